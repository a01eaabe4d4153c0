// Labs (notebooks): a code cell that scrolls sideways must be reachable with the keyboard
// (WCAG 2.1.1; axe "scrollable-region-focusable"), as Material makes its own code blocks.
document$.subscribe(() => {
  for (const cell of document.querySelectorAll(".highlight-ipynb")) {
    if (cell.scrollWidth > cell.clientWidth) cell.tabIndex = 0;
  }
});

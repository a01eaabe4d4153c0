// Material's content.lazy (mkdocs.yml) makes a code block that scrolls sideways reachable by
// keyboard (tabindex="0") only once the block comes on screen. This marks the others in idle
// time, a few at a time, so every such block is reachable and the page load is not held up.
// When done it sets data-code-focusable on <body> (the accessibility test waits for it).
const whenIdle = window.requestIdleCallback ?? ((step) => setTimeout(() => step({ timeRemaining: () => 10 }), 50));

document$.subscribe(({ body }) => {
  const blocks = [...body.querySelectorAll(".highlight pre > code:not([tabindex])")];
  const step = (deadline) => {
    while (blocks.length && deadline.timeRemaining() > 2) {
      const code = blocks.pop();
      if (code.scrollWidth > code.clientWidth) code.tabIndex = 0;
    }
    if (blocks.length) whenIdle(step);
    else body.dataset.codeFocusable = "true";
  };
  whenIdle(step);
});

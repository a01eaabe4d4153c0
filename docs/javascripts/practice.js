// Practice mode: hide each answer behind "Show answer" for self-quizzing; remembered across pages.
// Answers are wrapped only while practice mode is on, so a normal page load moves no nodes.
const PRACTICE_KEY = "handbook.practice";

function wrapAnswers(questions) {
  for (const question of questions) {
    // The difficulty-and-topics line stays visible with its question.
    const top = question.nextElementSibling?.classList.contains("hb-meta") ? question.nextElementSibling : question;
    if (top.nextElementSibling?.classList.contains("hb-reveal")) continue;
    const answer = document.createElement("div");
    answer.className = "hb-answer";
    while (top.nextSibling && !(top.nextSibling.tagName === "H2" || top.nextSibling.tagName === "H1")) {
      answer.appendChild(top.nextSibling);
    }
    const reveal = document.createElement("button");
    reveal.type = "button";
    reveal.className = "md-button hb-reveal";
    reveal.textContent = "Show answer";
    reveal.addEventListener("click", () => {
      answer.classList.add("hb-shown");
      reveal.classList.add("hb-shown");
    });
    top.after(reveal, answer);
  }
}

document$.subscribe(() => {
  const questions = [...document.querySelectorAll(".md-content h2[data-difficulty]")];
  if (!questions.length) return;

  const article = document.querySelector(".md-content article");
  const toggle = document.createElement("label");
  toggle.className = "hb-practice-toggle";
  toggle.innerHTML = '<input type="checkbox"> Practice mode: hide the answers';
  const box = toggle.querySelector("input");
  box.checked = localStorage.getItem(PRACTICE_KEY) === "on";
  const apply = () => {
    if (box.checked) wrapAnswers(questions);
    document.body.classList.toggle("hb-practice", box.checked);
    localStorage.setItem(PRACTICE_KEY, box.checked ? "on" : "off");
  };
  box.addEventListener("change", apply);
  article.querySelector("h1")?.after(toggle);
  apply();
});

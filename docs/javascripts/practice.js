// Practice mode: hide each answer behind "Show answer" for self-quizzing; remembered across pages.
// Answers are wrapped only while practice mode is on, so a normal page load moves no nodes.
// The answer a reader came for (a shared link, a search result, an in-page link) is shown: they
// asked for it. Every answer can be hidden again.
const PRACTICE_KEY = "handbook.practice";

function setShown(reveal, answer, shown) {
  answer.classList.toggle("hb-shown", shown);
  reveal.textContent = shown ? "Hide answer" : "Show answer";
  reveal.setAttribute("aria-expanded", String(shown));
}

function wrapAnswers(questions) {
  for (const question of questions) {
    // The difficulty-and-topics line stays visible with its question.
    const top = question.nextElementSibling?.classList.contains("hb-meta") ? question.nextElementSibling : question;
    if (top.nextElementSibling?.classList.contains("hb-reveal")) continue;
    const answer = document.createElement("div");
    answer.className = "hb-answer";
    answer.id = `${question.id}--answer`;
    while (top.nextSibling && !(top.nextSibling.tagName === "H2" || top.nextSibling.tagName === "H1")) {
      answer.appendChild(top.nextSibling);
    }
    const reveal = document.createElement("button");
    reveal.type = "button";
    reveal.className = "md-button hb-reveal";
    reveal.setAttribute("aria-controls", answer.id);
    setShown(reveal, answer, false);
    reveal.addEventListener("click", () => setShown(reveal, answer, !answer.classList.contains("hb-shown")));
    top.after(reveal, answer);
  }
}

// The question the address points at: `#anchor`, or `?a=anchor` on arrival from search.
function requestedQuestion() {
  const id = new URLSearchParams(location.search).get("a") || decodeURIComponent(location.hash.slice(1));
  const heading = id ? document.getElementById(id) : null;
  return heading?.matches("h2[data-difficulty]") ? heading : null;
}

function showRequested() {
  const heading = requestedQuestion();
  if (!heading) return;
  const reveal = heading.parentElement.querySelector(`.hb-reveal[aria-controls="${heading.id}--answer"]`);
  const answer = document.getElementById(`${heading.id}--answer`);
  if (reveal && answer) setShown(reveal, answer, true);
}

document$.subscribe(() => {
  const questions = [...document.querySelectorAll(".md-content h2[data-difficulty]")];
  if (!questions.length) return;

  // The build writes the switch under the title (handbook/hook.py), so loading moves nothing.
  const box = document.querySelector(".md-content .hb-practice-toggle input");
  if (!box) return;
  box.checked = localStorage.getItem(PRACTICE_KEY) === "on";
  const apply = () => {
    if (box.checked) {
      wrapAnswers(questions);
      showRequested();
    }
    document.body.classList.toggle("hb-practice", box.checked);
    localStorage.setItem(PRACTICE_KEY, box.checked ? "on" : "off");
  };
  box.addEventListener("change", apply);
  apply();
});

addEventListener("hashchange", () => {
  if (document.body.classList.contains("hb-practice")) showRequested();
});

// Light/dark theme: follows the system until the user picks one, and remembers the pick.

const STORAGE_KEY = "gradtrace-theme";
const CHOICES = ["auto", "light", "dark"];
const systemDark = window.matchMedia("(prefers-color-scheme: dark)");

export function createTheme(onChange) {
  let choice = readChoice();

  function resolved() {
    if (choice !== "auto") return choice;
    return systemDark.matches ? "dark" : "light";
  }

  function apply() {
    document.documentElement.dataset.theme = resolved();
    document.documentElement.dataset.themeChoice = choice;
  }

  function cycle() {
    choice = CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length];
    try {
      localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      // Storage can be unavailable (private mode); the choice then lasts for this page only.
    }
    apply();
    onChange(resolved());
  }

  systemDark.addEventListener("change", () => {
    if (choice !== "auto") return;
    apply();
    onChange(resolved());
  });
  apply();
  return { resolved, cycle, choice: () => choice };
}

function readChoice() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return CHOICES.includes(stored) ? stored : "auto";
  } catch {
    return "auto";
  }
}

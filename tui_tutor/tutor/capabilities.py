"""What a session may do on the machine it runs on, decided once when the session is made.

At home the learner owns the machine: files, suspending the process, screenshots, opening
links in a browser and the traceback of an unexpected error are theirs. In the lab (a session
served over SSH or the web) the machine is the instructor's: a student reaches nothing on it
but their own progress, so networks are saved into named slots of that progress instead of
files, and an unexpected error is told in one line while its traceback is kept for the instructor.

Screens never test where they run; they ask ``allows(action)`` (the app's ``check_action``
does, which also hides a refused action from the footer, the help and the palette) or
read a capability such as ``files``.
"""

from __future__ import annotations

from dataclasses import dataclass

# The app's actions that need a capability, and which one.
_NEEDS = {
    "suspend_process": "suspend",
    "screenshot": "screenshot",
    "deliver_screenshot": "screenshot",
    "open_url": "open_links",
}


@dataclass(frozen=True)
class Capabilities:
    files: bool = True  # save and load networks as files on this machine (else: named slots in the store)
    suspend: bool = True  # Ctrl+Z stops the process: only where a shell can resume it
    screenshot: bool = True  # Textual's screenshot writes an SVG into the working folder
    open_links: bool = True  # a web link opens a browser on this machine
    tracebacks: bool = True  # an unexpected error shows its traceback (with local variables) on this terminal

    @classmethod
    def home(cls) -> Capabilities:
        return cls()

    @classmethod
    def lab(cls) -> Capabilities:
        """A student's session on the lab's machine: none of the above. A traceback would show the
        student the server's paths and whatever its variables hold: the lab keeps it in a file instead."""
        return cls(files=False, suspend=False, screenshot=False, open_links=False, tracebacks=False)

    def allows(self, action: str) -> bool:
        """Whether an action (by its name, as in a binding) may run in this session."""
        need = _NEEDS.get(action)
        return need is None or getattr(self, need)

"""English: every id of the catalogue (see __init__.py). zh.py has the same ids, in the same order."""

WORDS = {
    # The app and its screens
    "title": "tui-tutor: backpropagation",
    "lessons": "Lessons", "workbench": "Workbench", "help": "Help", "contents": "Contents",
    "step": "Step", "of": "of", "general": "general form",
    "image": "Image", "target": "target", "digit": "digit", "edited": "edited",
    "parameters": "Parameters", "step_through": "Step-through", "gradcheck": "Gradient check", "history": "Updates",
    "not_saving": "Progress is not being saved: {why}",
    "link_nowhere": "This link leads nowhere in the tutor: {href}",
    "link_not_here": "Links are not opened from this session: {href}",
    "no_link": "This lesson has no workbench link",
    "no_phase": "no such phase: {phase}",

    # The workbench: parameters, prompts, updates
    "bad_number": "not a number: {text!r}; kept {old}",
    "not_finite": "must be a finite number, not {text!r}; kept {old}",
    "typing": "was {old} · Enter sets it · Esc cancels",
    "edit_hint": "Enter edits the selected value", "unit_j": "unit {j}", "weights_in_play": "in play",
    "biases_fixed": "biases not updated",
    "applied": "Update applied: C {before} → {after}", "undone": "Update undone",
    "nothing_to_undo": "No update to undo", "history_keys": "a: apply update · u: undo",
    "reset": "Reset to the book's initial parameters", "randomised": "Random parameters, seed {seed}",
    "no_images": "The 2-2-2 network has no images: press m for the book's network",
    "prompt_image": "Image (1–64):",
    "image_range": "Image must be a number from 1 to 64, not {text!r}",
    "prompt_eta": "η (learning rate):",
    "eta_positive": "η must be a positive number, not {text!r}",
    "prompt_seed": "Random seed:",
    "seed_whole": "The seed must be a whole number from 0 to {high}, not {text!r}",
    "backprop": "backprop", "central": "central difference", "difference": "difference",
    "largest": "largest difference {d} (relative {r})",

    # Saving and loading networks: files at home, names kept in the progress in the lab
    "prompt_save": "Save the workbench as (JSON file):",
    "prompt_load": "Load a network file:",
    "prompt_save_slot": "Save the workbench under a name (kept in your progress):",
    "prompt_load_slot": "Load the network saved under the name:",
    "saved_slots": "Saved: {names}",
    "saved": "Saved to {path}", "loaded": "Loaded {path}",
    "library_name_empty": "Type a name first.",
    "library_name_long": "A name has at most {limit} characters.",
    "library_name_control": "A name cannot hold control characters.",
    "library_cannot_save": "Could not save {path}: {why}",
    "library_cannot_load": "Could not load it: {why}",
    "library_slots_full": "You already keep {limit} networks: reuse a name.",
    "library_no_slot": "No network is saved under the name {name!r}.",

    # Training
    "train": "Train", "stop": "Stop", "accuracy": "accuracy",
    "draw": "Draw a digit", "answer": "The network says: {digit} ({a1} vs {a2})", "wrong": "wrong",
    "iterations_whole": "The number of iterations must be a whole number from 1 to 100000",
    "training_done": "Trained {n} iterations: C_T {first} → {last}",
    "stopped": "Stopped after {n} iterations",
    "not_book_shape": "Training needs the book's 12-3-2 network",
    "already_training": "A training run is already under way: s stops it.",
    "nothing_trained": "Nothing trained yet: g trains first.",
    "trained_shape": "The trained {trained} network does not fit the workbench's {current} network: train again.",
    "no_data": "This network has no training images.",
    "trained_taken": "Trained parameters taken into the workbench.",
    "saved_slot": "Saved in your progress as {path!r}",
    "loaded_slot": "Loaded {path!r} from your progress",

    # The quiz
    "givens": "Given:", "hint": "Hint",
    "tolerance": "Answer to {figures} significant figures; within ±{rel} or ±{abs} counts as right.",
    "answer_choice": "Type the letter of your answer, then Enter.",
    "answer_order": "Type the numbers in the right order (e.g. 3142), then Enter.",
    "right": "✓ Right.", "not_right": "✗ Not quite.", "expected": "The answer: {answer}",
    "worked": "Worked solution", "question_of": "Lesson {lesson} · question {n} of {total} · {kind}",
    "numeric": "compute", "choice": "ideas", "formula": "formula", "order": "order",
    "score": "Score {right}/{total} · Enter: next · "
             "esc, then: a answer · h hint · n next · r retry missed · m mistakes",
    "no_questions": "No questions for this lesson yet.",
    "lesson_done": "Last question of this lesson: r retries the missed ones.",
    "nothing_missed": "Nothing to retry: every question's latest answer is right.",
    "mistakes": "Mistakes", "no_mistakes": "No mistakes to review.", "your_answer": "your answer",

    # What was typed is not a number, or not an answer (engine/numbers.py, curriculum/grading.py);
    # the English is also the str() of NumberError and AnswerError
    "bad_answer_empty": "Type a number first.",
    "bad_answer_marks": "{text!r} mixes decimal marks: write it like 0.0123 or 0,0123.",
    "bad_answer_not_number": "{text!r} is not a number: write it like 0.0123, -0.5 or 1.23e-2.",
    "bad_answer_not_finite": "{text!r} is not a finite number.",
    "bad_answer_not_whole": "{text!r} is not a whole number.",
    "bad_answer_range": "{value} is out of range: it must be from {low} to {high}.",
    "bad_answer_letter": "Answer with one of {letters}.",
    "bad_answer_order": "Type each of the numbers 1 to {n} once, in the right order (e.g. {example}).",

    # The phases of one pass; each also names a key, "Jump to <phase>"
    "phase.forward": "Forward pass",
    "phase.cost": "Cost",
    "phase.output_delta": "Output-layer δ",
    "phase.backward": "Backward recursion",
    "phase.gradients": "Gradients",
    "phase.update": "Update",
    "jump_to_phase": "Jump to {phase}",

    # What each key does, by its binding's action ("action." + the action as the bindings write it).
    # The app's keys
    "action.quit": "Quit", "action.help": "Help",
    "action.open('lessons')": "Lessons", "action.open('workbench')": "Workbench",
    "action.open('training')": "Training", "action.open('quiz')": "Quiz",
    "action.toggle_language": "中文/English", "action.toggle_dark": "Dark/light",
    # Lessons
    "action.lesson(1)": "Next lesson", "action.lesson(-1)": "Previous lesson", "action.try_it": "Try it",
    "action.toggle_sidebar": "Lessons list", "action.toggle_contents": "Contents",
    # Workbench ("Jump to <phase>" is made from the phases above)
    "action.step(1)": "Next step", "action.step(-1)": "Previous step",
    "action.phase(1)": "Next phase", "action.phase(-1)": "Previous phase",
    "action.apply_update": "Apply update", "action.undo": "Undo update",
    "action.image(1)": "Next image", "action.image(-1)": "Previous image", "action.choose_image": "Image…",
    "action.toggle_digit": "Target 0/1", "action.edit_parameters": "Edit parameters", "action.set_eta": "Set η",
    "action.reset": "Reset", "action.randomise": "Randomise…", "action.switch_preset": "Book / 2-2-2",
    "action.save": "Save…", "action.load": "Load…", "action.gradient_check": "Gradient check",
    # Training
    "action.train": "Train", "action.stop": "Stop", "action.keep": "Use in workbench",
    # Quiz
    "action.leave_answer": "Keys", "action.next": "Next", "action.answer": "Answer", "action.hint": "Hint",
    "action.retry": "Retry missed", "action.mistakes": "Mistakes",
    # Dialogs
    "action.dismiss": "Close", "action.cancel": "Cancel",
    # Widgets of the tutor: "action.<widget class>:<action>" (one action string means different
    # moves in the two grids: x, y in the pixels; row, column in the parameters)
    "action.PixelGrid:move(0, -1)": "Up", "action.PixelGrid:move(0, 1)": "Down",
    "action.PixelGrid:move(-1, 0)": "Left", "action.PixelGrid:move(1, 0)": "Right",
    "action.PixelGrid:toggle": "Toggle pixel",
    "action.ParameterGrid:move(-1, 0)": "Up", "action.ParameterGrid:move(1, 0)": "Down",
    "action.ParameterGrid:move(0, -1)": "Left", "action.ParameterGrid:move(0, 1)": "Right",
    "action.ParameterGrid:move(-10, 0)": "Page up", "action.ParameterGrid:move(10, 0)": "Page down",
    "action.ParameterGrid:move(-1000, 0)": "First row", "action.ParameterGrid:move(1000, 0)": "Last row",
    "action.ParameterGrid:move(0, -1000)": "First column", "action.ParameterGrid:move(0, 1000)": "Last column",
    "action.ParameterGrid:select": "Edit",
    # Textual's own keys, in the words Textual gives them
    "action.command_palette": "palette",
    "action.app.focus_next": "Focus Next", "action.app.focus_previous": "Focus Previous",
    "action.screen.copy_text": "Copy selected text", "action.copy": "Copy selected text",
    "action.cut": "Cut selected text", "action.paste": "Paste text from the clipboard",
    "action.scroll_up": "Scroll Up", "action.scroll_down": "Scroll Down",
    "action.scroll_left": "Scroll Left", "action.scroll_right": "Scroll Right",
    "action.scroll_home": "Scroll Home", "action.scroll_end": "Scroll End",
    "action.page_up": "Page Up", "action.page_down": "Page Down",
    "action.page_left": "Page Left", "action.page_right": "Page Right",
    "action.previous_tab": "Previous tab", "action.next_tab": "Next tab",
    "action.cursor_up": "Up", "action.cursor_down": "Down", "action.first": "First", "action.last": "Last",
    "action.select": "Select", "action.press": "Press button",

    # The help screen: its headings, and the rows that are not keys
    "help.key": "key", "help.action": "action",
    "help.mouse.key": "mouse",
    "help.mouse": "click a pixel to toggle it, a lesson to open it, a link to follow it, a cell to edit it",
    "help.tab.key": "tab / shift+tab", "help.tab": "move between panels",
    "help.palette.key": "ctrl+p", "help.palette": "command palette: every action by name",

    # The lab: what the instructor sends, and the board
    "live_message": "From your instructor", "live_viewing": "● your instructor is viewing",
    "board_title": "tui-tutor: the class", "board_lab_gone": "The lab has stopped: the board shows no more.",
    "board_sent": "Message sent to {count} tutor(s)",
    "board_columns": "Student|Screen|Lesson|Phase, step|Question|Score|Last mistake|On step|Idle|Flag",
    "board_rule": "Stuck: the same question wrong {wrong} times, or {minutes} minutes on one step · "
                  "Enter: look at their screen (read-only) · Esc: back",
    "board_stuck": "stuck",
    "board_summary": "{students} student(s), {stuck} stuck · phases: {phases} · lessons: {lessons}",
    "board_to_one": "Message to {user} (\"English | 中文\" reaches each in their language); Enter sends",
    "board_to_all": "Message to everyone (\"English | 中文\" reaches each in their language); Enter sends",
    "board_filter": "Show only rows containing… (empty: all); Enter",
    "board_too_small": "{user}'s terminal is {cols}x{rows}, this one {have_cols}x{have_rows}: make it larger to look",
    "board_view_ended": "Stopped looking at {user}'s screen: {why}",
    "action.write('one')": "Message", "action.write('all')": "Message all", "action.filter": "Filter",
    "action.sort": "Sort",
    "action.own_tutor": "My tutor",
}

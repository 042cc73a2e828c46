"""The tutor's own words in English and Chinese (lessons are content files, not here)."""

from __future__ import annotations

import os

from .phases import PHASE_TITLES

TEXT = {
    "en": {
        "title": "tui-tutor: backpropagation",
        "lessons": "Lessons", "workbench": "Workbench", "training": "Training", "help": "Help",
        "contents": "Contents", "next_lesson": "Next lesson", "prev_lesson": "Previous lesson",
        "step": "Step", "of": "of", "general": "general form", "value": "value",
        "image": "Image", "target": "target", "digit": "digit", "edited": "edited",
        "eta": "η", "cost": "C", "network": "Network", "parameters": "Parameters",
        "step_through": "Step-through", "gradcheck": "Gradient check", "history": "Updates",
        "pixels_help": "arrows move · space toggles", "bad_number": "not a number: {text!r}; kept {old}",
        "not_finite": "must be a finite number, not {text!r}; kept {old}",
        "applied": "Update applied: C {before} → {after}", "undone": "Update undone",
        "nothing_to_undo": "No update to undo", "saved": "Saved to {path}", "loaded": "Loaded {path}",
        "reset": "Reset to the book's initial parameters", "randomised": "Random parameters, seed {seed}",
        "weights_in_play": "in play", "edit_hint": "Enter edits the selected value", "unit_j": "unit {j}",
        "link_nowhere": 'This link leads nowhere in the tutor: {href}',
        "no_link": 'This lesson has no workbench link',
        "eta_positive": 'η must be a positive number, not {text!r}',
        "iterations_whole": 'The number of iterations must be a whole number from 1 to 100000',
        "history_keys": 'a: apply update · u: undo',
        "no_images": "The 2-2-2 network has no images: press m for the book's network",
        "image_range": 'Image must be a number from 1 to 64, not {text!r}',
        "prompt_image": 'Image (1–64):',
        "prompt_eta": 'η (learning rate):',
        "seed_whole": 'The seed must be a whole number from 0 to {high}, not {text!r}',
        "prompt_seed": 'Random seed:',
        "cannot_save": 'Could not save {path}: {why}',
        "prompt_save": 'Save the workbench as (JSON file):',
        "prompt_load": 'Load a network file:',
        "no_phase": 'no such phase: {phase}',
        "typing": "was {old} · Enter sets it · Esc cancels",
        "train": "Train", "stop": "Stop", "epochs": "iterations", "accuracy": "accuracy",
        "draw": "Draw a digit", "answer": "The network says: {digit} ({a1} vs {a2})",
        "wrong": "wrong", "training_done": "Trained {n} iterations: C_T {first} → {last}",
        "stopped": "Stopped after {n} iterations", "not_book_shape": "Training needs the book's 12-3-2 network",
        "language": "Language", "theme": "Theme", "quit": "Quit",
        "file_prompt": "File", "biases_fixed": "biases not updated",
        "backprop": "backprop", "central": "central difference", "difference": "difference",
        "largest": "largest difference {d} (relative {r})",
        "quiz": "Quiz", "givens": "Given:", "hint": "Hint",
        "tolerance": "Answer to {figures} significant figures; within ±{rel} or ±{abs} counts as right.",
        "answer_choice": "Type the letter of your answer, then Enter.",
        "answer_order": "Type the numbers in the right order (e.g. 3142), then Enter.",
        "right": "✓ Right.", "not_right": "✗ Not quite.", "expected": "The answer: {answer}",
        "worked": "Worked solution", "question_of": "Lesson {lesson} · question {n} of {total} · {kind}",
        "numeric": "compute", "choice": "ideas", "formula": "formula", "order": "order",
        "score": "Score {right}/{total} · Enter: next · esc, then: a answer · h hint · n next · r retry missed · m mistakes",
        "no_questions": "No questions for this lesson yet.", "lesson_done": "Last question of this lesson: r retries the missed ones.",
        "nothing_missed": "Nothing to retry: every question's latest answer is right.",
        "mistakes": "Mistakes", "no_mistakes": "No mistakes to review.", "your_answer": "your answer",
        "not_saving": "Progress is not being saved: {why}",
        "prompt_save_slot": "Save the workbench under a name (kept in your progress):",
        "prompt_load_slot": "Load the network saved under the name:",
        "saved_slots": "Saved: {names}",
        "library_name_empty": "Type a name first.",
        "library_name_long": "A name has at most {limit} characters.",
        "library_name_control": "A name cannot hold control characters.",
        "library_cannot_save": "Could not save {path}: {why}",
        "library_cannot_load": "Could not load it: {why}",
        "library_slots_full": "You already keep {limit} networks: reuse a name.",
        "library_no_slot": "No network is saved under the name {name!r}.",
        "link_not_here": "Links are not opened from this session: {href}",
        "already_training": "A training run is already under way: s stops it.",
        "nothing_trained": "Nothing trained yet: g trains first.",
        "trained_shape": "The trained {trained} network does not fit the workbench's {current} network: train again.",
        "no_data": "This network has no training images.",
        "trained_taken": "Trained parameters taken into the workbench.",
        "saved_slot": "Saved in your progress as {path!r}", "loaded_slot": "Loaded {path!r} from your progress",
    },
    "zh": {
        "title": "tui-tutor：误差反向传播",
        "lessons": "课程", "workbench": "工作台", "training": "训练", "help": "帮助",
        "contents": "目录", "next_lesson": "下一课", "prev_lesson": "上一课",
        "step": "步骤", "of": "/", "general": "一般形式", "value": "值",
        "image": "图像", "target": "正解", "digit": "数字", "edited": "已修改",
        "eta": "η", "cost": "C", "network": "网络", "parameters": "参数",
        "step_through": "逐步计算", "gradcheck": "梯度检验", "history": "更新记录",
        "pixels_help": "方向键移动 · 空格切换", "bad_number": "不是数字：{text!r}；保留 {old}",
        "not_finite": "必须是有限的数：{text!r}；保留 {old}",
        "applied": "已更新参数：C {before} → {after}", "undone": "已撤销更新",
        "nothing_to_undo": "没有可撤销的更新", "saved": "已保存到 {path}", "loaded": "已载入 {path}",
        "reset": "已恢复书中的初始参数", "randomised": "随机参数，种子 {seed}",
        "weights_in_play": "参与计算", "edit_hint": "按 Enter 修改选中的值", "unit_j": "单元 {j}",
        "link_nowhere": '这个链接在本程序中没有目标：{href}',
        "no_link": '这一课没有工作台链接',
        "eta_positive": 'η 必须是正数，不能是 {text!r}',
        "iterations_whole": '迭代次数必须是 1 到 100000 之间的整数',
        "history_keys": 'a：执行更新 · u：撤销',
        "no_images": '2-2-2 网络没有图像：按 m 切换到书中的网络',
        "image_range": '图像编号必须是 1 到 64 之间的数，不能是 {text!r}',
        "prompt_image": '图像（1–64）：',
        "prompt_eta": 'η（学习率）：',
        "seed_whole": '随机种子必须是 0 到 {high} 之间的整数，不能是 {text!r}',
        "prompt_seed": '随机种子：',
        "cannot_save": '无法保存 {path}：{why}',
        "prompt_save": '把工作台保存为（JSON 文件）：',
        "prompt_load": '载入网络文件：',
        "no_phase": '没有这个阶段：{phase}',
        "bad_answer_empty": "请先输入一个数。",
        "bad_answer_marks": "{text!r} 混用了小数点：请写成 0.0123 或 0,0123。",
        "bad_answer_not_number": "{text!r} 不是数：请写成 0.0123、-0.5 或 1.23e-2 这样的形式。",
        "bad_answer_not_finite": "{text!r} 不是有限的数。",
        "bad_answer_letter": "请用 {letters} 中的一个字母作答。",
        "bad_answer_order": "请把 1 到 {n} 的每个数字各输入一次，排成正确的顺序（例如 {example}）。",
        "typing": "原值 {old} · Enter 确定 · Esc 取消",
        "train": "训练", "stop": "停止", "epochs": "迭代次数", "accuracy": "正确率",
        "draw": "画一个数字", "answer": "网络的判断：{digit}（{a1} 对 {a2}）",
        "wrong": "错误", "training_done": "已训练 {n} 次：C_T {first} → {last}",
        "stopped": "在第 {n} 次后停止", "not_book_shape": "训练需要书中的 12-3-2 网络",
        "language": "语言", "theme": "主题", "quit": "退出",
        "file_prompt": "文件", "biases_fixed": "不更新偏置",
        "backprop": "反向传播", "central": "中心差分", "difference": "差",
        "largest": "最大差 {d}（相对 {r}）",
        "quiz": "测验", "givens": "已知：", "hint": "提示",
        "tolerance": "请给出 {figures} 位有效数字；误差在 ±{rel} 或 ±{abs} 以内算正确。",
        "answer_choice": "输入答案的字母，然后按 Enter。",
        "answer_order": "按正确顺序输入编号（如 3142），然后按 Enter。",
        "right": "✓ 正确。", "not_right": "✗ 不对。", "expected": "答案：{answer}",
        "worked": "解题过程", "question_of": "第 {lesson} 课 · 第 {n}/{total} 题 · {kind}",
        "numeric": "计算", "choice": "概念", "formula": "公式", "order": "排序",
        "score": "得分 {right}/{total} · Enter：下一题 · 按 esc 后：a 作答 · h 提示 · n 下一题 · r 重做错题 · m 错题",
        "no_questions": "这一课还没有题目。", "lesson_done": "这是本课最后一题：按 r 重做答错的题。",
        "nothing_missed": "没有要重做的题：每道题最近一次都答对了。",
        "mistakes": "错题回顾", "no_mistakes": "没有错题。", "your_answer": "你的答案",
        "not_saving": "学习进度没有保存：{why}",
        "prompt_save_slot": "为工作台取个名字保存（保存在你的学习进度中）：",
        "prompt_load_slot": "载入以此名字保存的网络：",
        "saved_slots": "已保存：{names}",
        "library_name_empty": "请先输入一个名字。",
        "library_name_long": "名字最多 {limit} 个字符。",
        "library_name_control": "名字不能包含控制字符。",
        "library_cannot_save": "无法保存 {path}：{why}",
        "library_cannot_load": "无法载入：{why}",
        "library_slots_full": "你已经保存了 {limit} 个网络：请使用已有的名字。",
        "library_no_slot": "没有以 {name!r} 保存的网络。",
        "link_not_here": "本会话不打开链接：{href}",
        "already_training": "训练正在进行：按 s 停止。",
        "nothing_trained": "还没有训练：先按 g 训练。",
        "trained_shape": "训练好的 {trained} 网络与工作台的 {current} 网络形状不同：请重新训练。",
        "no_data": "这个网络没有训练图像。",
        "trained_taken": "已把训练好的参数放入工作台。",
        "saved_slot": "已保存到你的学习进度，名为 {path!r}", "loaded_slot": "已从你的学习进度载入 {path!r}",
    },
}


def detect_language(environ=os.environ) -> str:
    """Chinese when the locale says so (LC_ALL, LC_MESSAGES, LANG, in that order), else English."""
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def tr(lang: str, key: str, **values) -> str:
    text = TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"][key]
    return text.format(**values) if values else text


# Key descriptions, as written in the bindings (English), and their Chinese.
KEY_NAMES_ZH = {
    "Quit": "退出", "Help": "帮助", "Lessons": "课程", "Workbench": "工作台", "Training": "训练",
    "Quiz": "测验", "中文/English": "中文/English", "Dark/light": "深色/浅色",
    "Next lesson": "下一课", "Previous lesson": "上一课", "Try it": "动手试试", "Lessons list": "课程列表",
    "Contents": "目录", "Next step": "下一步", "Previous step": "上一步", "Next": "下一步", "Previous": "上一步",
    "Next phase": "下一阶段", "Previous phase": "上一阶段", "Apply update": "执行更新", "Undo update": "撤销更新",
    "Next image": "下一张图像", "Previous image": "上一张图像", "Image…": "选择图像…", "Target 0/1": "目标 0/1",
    "Edit parameters": "编辑参数", "Set η": "设置 η", "Reset": "重置", "Randomise…": "随机参数…",
    "Book / 2-2-2": "书中网络 / 2-2-2", "Save…": "保存…", "Load…": "载入…", "Gradient check": "梯度检验",
    "Toggle pixel": "切换像素", "Up": "上", "Down": "下", "Left": "左", "Right": "右",
    "Train": "训练", "Stop": "停止", "Use in workbench": "用于工作台", "Hint": "提示", "Next question": "下一题",
    "Retry missed": "重做错题", "Mistakes": "错题回顾", "Close": "关闭", "Cancel": "取消", "Keys": "按键", "Answer": "作答", "palette": "命令面板",
    "Focus Next": "下一个控件", "Focus Previous": "上一个控件", "Copy selected text": "复制选中的文字",
}


def key_name(lang: str, description: str) -> str:
    """A binding's description in ``lang`` (the bindings are written in English; "Jump to <phase id>")."""
    if description.startswith("Jump to "):
        phase = PHASE_TITLES.get(lang, PHASE_TITLES["en"]).get(description.removeprefix("Jump to "), "?")
        return f"跳到{phase}" if lang == "zh" else f"Jump to {phase}"
    return KEY_NAMES_ZH.get(description, description) if lang == "zh" else description

"""The tutor's own words in English and Chinese (lessons are content files, not here)."""

from __future__ import annotations

import os

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
        "weights_in_play": "in play", "edit_hint": "Enter edits the selected value",
        "train": "Train", "stop": "Stop", "epochs": "iterations", "accuracy": "accuracy",
        "draw": "Draw a digit", "answer": "The network says: {digit} ({a1} vs {a2})",
        "wrong": "wrong", "training_done": "Trained {n} iterations: C_T {first} → {last}",
        "stopped": "Stopped after {n} iterations", "not_book_shape": "Training needs the book's 12-3-2 network",
        "language": "Language", "theme": "Theme", "quit": "Quit",
        "file_prompt": "File", "biases_fixed": "biases not updated",
        "backprop": "backprop", "central": "central difference", "difference": "difference",
        "largest": "largest difference {d} (relative {r})",
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
        "weights_in_play": "参与计算", "edit_hint": "按 Enter 修改选中的值",
        "train": "训练", "stop": "停止", "epochs": "迭代次数", "accuracy": "正确率",
        "draw": "画一个数字", "answer": "网络的判断：{digit}（{a1} 对 {a2}）",
        "wrong": "错误", "training_done": "已训练 {n} 次：C_T {first} → {last}",
        "stopped": "在第 {n} 次后停止", "not_book_shape": "训练需要书中的 12-3-2 网络",
        "language": "语言", "theme": "主题", "quit": "退出",
        "file_prompt": "文件", "biases_fixed": "不更新偏置",
        "backprop": "反向传播", "central": "中心差分", "difference": "差",
        "largest": "最大差 {d}（相对 {r}）",
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

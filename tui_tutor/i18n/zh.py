"""中文: the same ids as en.py, in the same order (a test checks the ids and their {placeholders})."""

WORDS = {
    # The app and its screens
    "title": "tui-tutor：误差反向传播",
    "lessons": "课程", "workbench": "工作台", "help": "帮助", "contents": "目录",
    "step": "步骤", "of": "/", "general": "一般形式",
    "image": "图像", "target": "正解", "digit": "数字", "edited": "已修改",
    "parameters": "参数", "step_through": "逐步计算", "gradcheck": "梯度检验", "history": "更新记录",
    "not_saving": "学习进度没有保存：{why}",
    "link_nowhere": "这个链接在本程序中没有目标：{href}",
    "link_not_here": "本会话不打开链接：{href}",
    "no_link": "这一课没有工作台链接",
    "no_phase": "没有这个阶段：{phase}",

    # The workbench: parameters, prompts, updates
    "bad_number": "不是数字：{text!r}；保留 {old}",
    "not_finite": "必须是有限的数：{text!r}；保留 {old}",
    "typing": "原值 {old} · Enter 确定 · Esc 取消",
    "edit_hint": "按 Enter 修改选中的值", "unit_j": "单元 {j}", "weights_in_play": "参与计算",
    "biases_fixed": "不更新偏置",
    "applied": "已更新参数：C {before} → {after}", "undone": "已撤销更新",
    "nothing_to_undo": "没有可撤销的更新", "history_keys": "a：执行更新 · u：撤销",
    "reset": "已恢复书中的初始参数", "randomised": "随机参数，种子 {seed}",
    "no_images": "2-2-2 网络没有图像：按 m 切换到书中的网络",
    "prompt_image": "图像（1–64）：",
    "image_range": "图像编号必须是 1 到 64 之间的数，不能是 {text!r}",
    "prompt_eta": "η（学习率）：",
    "eta_positive": "η 必须是正数，不能是 {text!r}",
    "prompt_seed": "随机种子：",
    "seed_whole": "随机种子必须是 0 到 {high} 之间的整数，不能是 {text!r}",
    "backprop": "反向传播", "central": "中心差分", "difference": "差",
    "largest": "最大差 {d}（相对 {r}）",

    # Saving and loading networks: files at home, names kept in the progress in the lab
    "prompt_save": "把工作台保存为（JSON 文件）：",
    "prompt_load": "载入网络文件：",
    "prompt_save_slot": "为工作台取个名字保存（保存在你的学习进度中）：",
    "prompt_load_slot": "载入以此名字保存的网络：",
    "saved_slots": "已保存：{names}",
    "saved": "已保存到 {path}", "loaded": "已载入 {path}",
    "library_name_empty": "请先输入一个名字。",
    "library_name_long": "名字最多 {limit} 个字符。",
    "library_name_control": "名字不能包含控制字符。",
    "library_cannot_save": "无法保存 {path}：{why}",
    "library_cannot_load": "无法载入：{why}",
    "library_slots_full": "你已经保存了 {limit} 个网络：请使用已有的名字。",
    "library_no_slot": "没有以 {name!r} 保存的网络。",

    # Training
    "train": "训练", "stop": "停止", "accuracy": "正确率",
    "draw": "画一个数字", "answer": "网络的判断：{digit}（{a1} 对 {a2}）", "wrong": "错误",
    "iterations_whole": "迭代次数必须是 1 到 100000 之间的整数",
    "training_done": "已训练 {n} 次：C_T {first} → {last}",
    "stopped": "在第 {n} 次后停止",
    "not_book_shape": "训练需要书中的 12-3-2 网络",
    "already_training": "训练正在进行：按 s 停止。",
    "nothing_trained": "还没有训练：先按 g 训练。",
    "trained_shape": "训练好的 {trained} 网络与工作台的 {current} 网络形状不同：请重新训练。",
    "no_data": "这个网络没有训练图像。",
    "trained_taken": "已把训练好的参数放入工作台。",
    "saved_slot": "已保存到你的学习进度，名为 {path!r}",
    "loaded_slot": "已从你的学习进度载入 {path!r}",

    # The quiz
    "givens": "已知：", "hint": "提示",
    "tolerance": "请给出 {figures} 位有效数字；误差在 ±{rel} 或 ±{abs} 以内算正确。",
    "answer_choice": "输入答案的字母，然后按 Enter。",
    "answer_order": "按正确顺序输入编号（如 3142），然后按 Enter。",
    "right": "✓ 正确。", "not_right": "✗ 不对。", "expected": "答案：{answer}",
    "worked": "解题过程", "question_of": "第 {lesson} 课 · 第 {n}/{total} 题 · {kind}",
    "numeric": "计算", "choice": "概念", "formula": "公式", "order": "排序",
    "score": "得分 {right}/{total} · Enter：下一题 · "
             "按 esc 后：a 作答 · h 提示 · n 下一题 · r 重做错题 · m 错题",
    "no_questions": "这一课还没有题目。",
    "lesson_done": "这是本课最后一题：按 r 重做答错的题。",
    "nothing_missed": "没有要重做的题：每道题最近一次都答对了。",
    "mistakes": "错题回顾", "no_mistakes": "没有错题。", "your_answer": "你的答案",

    # What was typed is not a number, or not an answer
    "bad_answer_empty": "请先输入一个数。",
    "bad_answer_marks": "{text!r} 混用了小数点：请写成 0.0123 或 0,0123。",
    "bad_answer_not_number": "{text!r} 不是数：请写成 0.0123、-0.5 或 1.23e-2 这样的形式。",
    "bad_answer_not_finite": "{text!r} 不是有限的数。",
    "bad_answer_not_whole": "{text!r} 不是整数。",
    "bad_answer_range": "{value} 超出范围：必须在 {low} 到 {high} 之间。",
    "bad_answer_letter": "请用 {letters} 中的一个字母作答。",
    "bad_answer_order": "请把 1 到 {n} 的每个数字各输入一次，排成正确的顺序（例如 {example}）。",

    # The phases of one pass; each also names a key, "Jump to <phase>"
    "phase.forward": "正向传播",
    "phase.cost": "平方误差",
    "phase.output_delta": "输出层的 δ",
    "phase.backward": "反向递推",
    "phase.gradients": "梯度",
    "phase.update": "更新参数",
    "jump_to_phase": "跳到{phase}",

    # What each key does, by its binding's action
    # The app's keys
    "action.quit": "退出", "action.help": "帮助",
    "action.open('lessons')": "课程", "action.open('workbench')": "工作台",
    "action.open('training')": "训练", "action.open('quiz')": "测验",
    "action.toggle_language": "中文/English", "action.toggle_dark": "深色/浅色",
    # Lessons
    "action.lesson(1)": "下一课", "action.lesson(-1)": "上一课", "action.try_it": "动手试试",
    "action.toggle_sidebar": "课程列表", "action.toggle_contents": "目录",
    # Workbench
    "action.step(1)": "下一步", "action.step(-1)": "上一步",
    "action.phase(1)": "下一阶段", "action.phase(-1)": "上一阶段",
    "action.apply_update": "执行更新", "action.undo": "撤销更新",
    "action.image(1)": "下一张图像", "action.image(-1)": "上一张图像", "action.choose_image": "选择图像…",
    "action.toggle_digit": "目标 0/1", "action.edit_parameters": "编辑参数", "action.set_eta": "设置 η",
    "action.reset": "重置", "action.randomise": "随机参数…", "action.switch_preset": "书中网络 / 2-2-2",
    "action.save": "保存…", "action.load": "载入…", "action.gradient_check": "梯度检验",
    # Training
    "action.train": "训练", "action.stop": "停止", "action.keep": "用于工作台",
    # Quiz
    "action.leave_answer": "按键", "action.next": "下一步", "action.answer": "作答", "action.hint": "提示",
    "action.retry": "重做错题", "action.mistakes": "错题回顾",
    # Dialogs
    "action.dismiss": "关闭", "action.cancel": "取消",
    # Widgets of the tutor
    "action.PixelGrid:move(0, -1)": "上", "action.PixelGrid:move(0, 1)": "下",
    "action.PixelGrid:move(-1, 0)": "左", "action.PixelGrid:move(1, 0)": "右",
    "action.PixelGrid:toggle": "切换像素",
    "action.ParameterGrid:move(-1, 0)": "上", "action.ParameterGrid:move(1, 0)": "下",
    "action.ParameterGrid:move(0, -1)": "左", "action.ParameterGrid:move(0, 1)": "右",
    "action.ParameterGrid:move(-10, 0)": "上翻一页", "action.ParameterGrid:move(10, 0)": "下翻一页",
    "action.ParameterGrid:move(-1000, 0)": "第一行", "action.ParameterGrid:move(1000, 0)": "最后一行",
    "action.ParameterGrid:move(0, -1000)": "第一列", "action.ParameterGrid:move(0, 1000)": "最后一列",
    "action.ParameterGrid:select": "编辑",
    # Textual's own keys
    "action.command_palette": "命令面板",
    "action.app.focus_next": "下一个控件", "action.app.focus_previous": "上一个控件",
    "action.screen.copy_text": "复制选中的文字", "action.copy": "复制选中的文字",
    "action.cut": "剪切选中的文字", "action.paste": "从剪贴板粘贴",
    "action.scroll_up": "向上滚动", "action.scroll_down": "向下滚动",
    "action.scroll_left": "向左滚动", "action.scroll_right": "向右滚动",
    "action.scroll_home": "滚动到开头", "action.scroll_end": "滚动到末尾",
    "action.page_up": "上翻一页", "action.page_down": "下翻一页",
    "action.page_left": "左翻一页", "action.page_right": "右翻一页",
    "action.previous_tab": "上一个标签页", "action.next_tab": "下一个标签页",
    "action.cursor_up": "上", "action.cursor_down": "下", "action.first": "第一项", "action.last": "最后一项",
    "action.select": "选择", "action.press": "按下按钮",

    # The help screen
    "help.key": "按键", "help.action": "操作",
    "help.mouse.key": "鼠标",
    "help.mouse": "点击像素切换黑白，点击课程打开，点击链接跳转，点击单元格修改",
    "help.tab.key": "tab / shift+tab", "help.tab": "在面板之间移动",
    "help.palette.key": "ctrl+p", "help.palette": "命令面板：按名称查找所有操作",

    # The lab: what the instructor sends, and the board
    "live_message": "来自老师的消息", "live_viewing": "● 老师正在查看你的屏幕",
}

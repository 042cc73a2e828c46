"""Names of the phases of one pass, in English and Chinese, for every renderer."""

PHASE_TITLES = {
    "en": {
        "forward": "Forward pass",
        "cost": "Cost",
        "output_delta": "Output-layer δ",
        "backward": "Backward recursion",
        "gradients": "Gradients",
        "update": "Update",
    },
    "zh": {
        "forward": "正向传播",
        "cost": "平方误差",
        "output_delta": "输出层的 δ",
        "backward": "反向递推",
        "gradients": "梯度",
        "update": "更新参数",
    },
}

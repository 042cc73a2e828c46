"""tui-tutor: a terminal tutor for backpropagation, after *The Mathematics of Deep Learning*."""

__version__ = "0.1.0"

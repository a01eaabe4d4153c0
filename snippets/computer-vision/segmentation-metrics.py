# --8<-- [start:metrics]
import numpy as np


def disk(cx, cy, r, size=64):
    yy, xx = np.mgrid[:size, :size]
    return (xx - cx) ** 2 + (yy - cy) ** 2 <= r**2


def scores(pred, true):
    inter, union = (pred & true).sum(), (pred | true).sum()
    iou = inter / union if union else 1.0
    dice = 2 * inter / (pred.sum() + true.sum()) if union else 1.0
    pixel_acc = (pred == true).mean()
    # Mean IoU over the two classes (foreground and background), as in FCN / VOC.
    bg_iou = (~pred & ~true).sum() / (~pred | ~true).sum()
    return pixel_acc, iou, dice, (iou + bg_iou) / 2


true = disk(32, 32, 6)  # a small object: 113 pixels, 2.8% of the image
predictions = {
    "all background": np.zeros_like(true),
    "shifted 3 px": disk(35, 32, 6),
    "too large (r=9)": disk(32, 32, 9),
    "too small (r=4)": disk(32, 32, 4),
    "perfect": true.copy(),
}
print(f"object covers {true.mean():.1%} of the image")
print(f"{'prediction':18}{'pixel acc':>10}{'IoU':>7}{'Dice':>7}{'mIoU':>7}")
identity = True
for name, pred in predictions.items():
    acc, iou, dice, miou = scores(pred, true)
    identity &= bool(np.isclose(dice, 2 * iou / (1 + iou)))
    print(f"{name:18}{acc:>10.3f}{iou:>7.3f}{dice:>7.3f}{miou:>7.3f}")
print(f"Dice == 2 IoU / (1 + IoU) for every prediction: {identity}")

# Averaging over a dataset: per-image mean vs pooled intersections and unions.
big_true, big_pred = disk(32, 32, 25), disk(33, 32, 25)  # large object, found
small_true, small_pred = disk(10, 10, 3), disk(16, 10, 3)  # small object, missed
pairs = [(big_pred, big_true), (small_pred, small_true)]
per_image = np.mean([scores(p, t)[1] for p, t in pairs])
pooled = sum((p & t).sum() for p, t in pairs) / sum((p | t).sum() for p, t in pairs)
print("IoU per image: " + ", ".join(f"{scores(p, t)[1]:.3f}" for p, t in pairs))
print(f"mean of per-image IoU: {per_image:.3f}; pooled over the dataset: {pooled:.3f}")
# --8<-- [end:metrics]

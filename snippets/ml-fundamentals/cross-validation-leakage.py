import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(0)
cv = StratifiedKFold(5, shuffle=True, random_state=0)
print("leak                         leaky CV  correct CV  true accuracy")

# 1. Feature selection before the split. Labels are coin flips and the 5,000 features
# are noise, so no model can beat 0.5 on new data.
X = rng.normal(size=(100, 5000))
y = rng.integers(0, 2, 100)
X_selected = SelectKBest(f_classif, k=20).fit_transform(X, y)  # saw every label
leaky = cross_val_score(LogisticRegression(), X_selected, y, cv=cv).mean()
pipe = make_pipeline(SelectKBest(f_classif, k=20), LogisticRegression())
correct = cross_val_score(pipe, X, y, cv=cv).mean()
print(f"{'select 20 of 5000 features':<29}{leaky:8.3f}{correct:12.3f}{0.5:15.3f}")

# 2. Scaling before the split: a leak too, but mean and variance barely change between
# folds, so the bias is small. Fit it inside the pipeline anyway.
X, y = load_breast_cancer(return_X_y=True)
X_scaled = StandardScaler().fit_transform(X)
leaky = cross_val_score(KNeighborsClassifier(), X_scaled, y, cv=cv).mean()
pipe = make_pipeline(StandardScaler(), KNeighborsClassifier())
correct = cross_val_score(pipe, X, y, cv=cv).mean()
print(f"{'StandardScaler (kNN)':<29}{leaky:8.3f}{correct:12.3f}{'n/a':>15}")

# 3. Several rows per patient: 60 patients x 10 scans. The label belongs to the patient
# and is unrelated to the scans; each scan carries the patient's fingerprint plus noise.
patients = np.repeat(np.arange(60), 10)
fingerprint = rng.normal(size=(60, 8))
X = fingerprint[patients] + 0.3 * rng.normal(size=(600, 8))
y = rng.integers(0, 2, 60)[patients]
knn = KNeighborsClassifier(n_neighbors=1)
leaky = cross_val_score(knn, X, y, cv=KFold(5, shuffle=True, random_state=0)).mean()
correct = cross_val_score(knn, X, y, cv=GroupKFold(5), groups=patients).mean()
print(f"{'same patient in both folds':<29}{leaky:8.3f}{correct:12.3f}{0.5:15.3f}")

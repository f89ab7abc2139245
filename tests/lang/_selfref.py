import _selfref
X = 1

from .. import leaf
sub_value = leaf.leaf_func() + "-sub"

"""Catalog writes that carry rules: placing categories in the tree."""

from catalog.models import Category


def category_insert(node: Category, parent: Category | None, position: str, sibling: Category | None) -> Category:
    """Add a new node at the given place; treebeard's add_* methods compute its path."""
    if position in ("left", "right"):
        return sibling.add_sibling(position, instance=node)
    if parent is None:
        first_root = Category.get_first_root_node()
        if position == "first-child" and first_root is not None:
            return first_root.add_sibling("first-sibling", instance=node)
        return Category.add_root(instance=node)
    first_child = parent.get_first_child()
    if position == "first-child" and first_child is not None:
        return first_child.add_sibling("first-sibling", instance=node)
    return parent.add_child(instance=node)


def category_move(node: Category, parent: Category | None, position: str, sibling: Category | None) -> None:
    """Move an existing node (with its subtree) to the given place, keeping the order of the others."""
    if position in ("left", "right"):
        node.move(sibling, position)
    elif parent is None:
        root_position = "first-sibling" if position == "first-child" else "last-sibling"
        node.move(Category.get_first_root_node(), root_position)
    else:
        node.move(parent, position)

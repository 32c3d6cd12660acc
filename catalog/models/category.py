from django.db import models
from treebeard.mp_tree import MP_Node
from wagtail.search import index


class Category(index.Indexed, MP_Node):
    """A node of the category tree: unlimited depth, ordered by position among its siblings, movable."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    # No node_order_by: siblings keep the order editors give them.
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["path"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    @property
    def indented_name(self) -> str:
        """The name indented by depth, for choosers that list the whole tree in path order."""
        return f"{'— ' * (self.depth - 1)}{self.name}"

    def breadcrumb(self) -> list["Category"]:
        """This category and its ancestors, root first."""
        return [*self.get_ancestors(), self]

    def breadcrumb_text(self, separator: str = " > ") -> str:
        return separator.join(node.name for node in self.breadcrumb())

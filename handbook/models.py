"""The 《委员履职手册》's records. The 履职心语 themselves are forms_app.Reflection (the pool)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReflectionCopy(models.Model):
    """`reflection` may be copied from `original` (切忌抄袭): `share` of its bigrams are in it
    (handbook/copies.py)."""

    reflection = models.ForeignKey("forms_app.Reflection", on_delete=models.CASCADE, related_name="copies")
    original = models.ForeignKey("forms_app.Reflection", on_delete=models.CASCADE, related_name="+")
    share = models.FloatField(_("相同比例"))

    class Meta:
        verbose_name = _("疑似抄袭")
        verbose_name_plural = _("疑似抄袭")
        constraints = [models.UniqueConstraint(fields=["reflection", "original"], name="one_copy_flag_per_pair")]

    def __str__(self):
        return f"#{self.reflection_id} 与 #{self.original_id} 相同 {self.share:.0%}"

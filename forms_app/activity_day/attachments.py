"""Files sent with a unit's 工作小结: at most 5, each a document lianxin_site.uploads.document_refusal
accepts (PDF, Word, JPG, PNG; 10 MB)."""

MAX_ATTACHMENTS = 5


def too_many(kept, added):
    """The refusal when `kept` files already on the report and `added` new ones make more than 5."""
    if kept + added <= MAX_ATTACHMENTS:
        return None
    have = f"已有 {kept} 个，" if kept else ""
    return f"「附件」：最多 {MAX_ATTACHMENTS} 个，{have}这次又选了 {added} 个；请先删去不需要的附件。"

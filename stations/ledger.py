"""(stub: filled in by its owner — the 履职档案 ledger source of street-group attendance and 季度例会)"""

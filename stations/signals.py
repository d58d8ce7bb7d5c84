"""(stub: filled in by its owner — the convener groups follow Profile.workstation)"""

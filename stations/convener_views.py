"""(stub: filled in by its owner)"""

urlpatterns = []

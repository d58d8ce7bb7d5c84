"""The front end of the registry, under /results/: 我的履职成果 and the registration wizard."""

urlpatterns = []

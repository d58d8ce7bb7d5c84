"""The member's 三联系 on the front end, under /forms/contacts/."""

urlpatterns = []

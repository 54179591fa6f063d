from .navigation import navigation_for


def navigation(request):
    return {"role_navigation": navigation_for(request.user)}

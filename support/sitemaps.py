from core.sitemaps import NamedPages


class SupportPages(NamedPages):
    url_names = ["support:index", "help:index"]

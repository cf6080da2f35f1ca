from core.sitemaps import NamedPages


class EngagePages(NamedPages):
    url_names = ["engage:index"]

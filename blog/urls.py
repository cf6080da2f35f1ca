from django.urls import path

from blog import feeds, views

app_name = "blog"
urlpatterns = [
    path("", views.post_list, name="index"),
    path("tag/<slug:slug>/", views.tag_detail, name="tag"),
    path("author/<slug:slug>/", views.author_detail, name="author"),
    path("feed/", views.feed(feeds.LatestArticlesFeed()), name="feed"),
    path("feed/atom/", views.feed(feeds.LatestArticlesAtomFeed()), name="feed_atom"),
    path("<slug:slug>/", views.post_detail, name="post"),
    path("<slug:slug>/upvote/", views.upvote, name="upvote"),
    path("<slug:slug>/upvote/state/", views.upvote_state, name="upvote_state"),
    path("<slug:slug>/share/<slug:network>/", views.share, name="share"),
    path("preview/<str:token>/", views.preview, name="preview"),
]

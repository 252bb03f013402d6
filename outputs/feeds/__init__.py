"""Partner feeds: RSS 2.0, Atom and JSON Feed of articles and segments, to a folder or S3.

Call `outputs.feeds.build.build_feeds(settings, store, only=None)`; the feeds channel and
`syndicate feeds build` both do. Item content is decided in transforms/feed_items.py.
"""

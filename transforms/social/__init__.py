"""Social snippets: per-platform posts from segments, counted each platform's way (pure)."""

from transforms.social.compose import compose_posts
from transforms.social.platforms import PLATFORMS, RULES, Platform, rule_for
from transforms.social.post import Post, PostPart

__all__ = ["PLATFORMS", "RULES", "Platform", "Post", "PostPart", "compose_posts", "rule_for"]

"""The review site and the conservation check over everything under out/."""

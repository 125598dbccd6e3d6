"""The park's one map (一张图): the catalogue of map layers and the routes that serve them (issue 14 item 3)."""

"""Hidden dangers (隐患排查治理, 5.1.2-1, 5.1.2-3): register, rectify, four-eyes acceptance, 督办 and the regulator."""

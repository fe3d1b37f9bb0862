// Empty translation unit that carries the precompiled header.

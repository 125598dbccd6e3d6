"""Special work permits (特殊作业票, GB 30871-2022; standard clause 5.1.2-1)."""

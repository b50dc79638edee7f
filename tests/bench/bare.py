"""The baseline: a bare FastAPI endpoint served by the same uvicorn settings as the API."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare() -> dict[str, str]:
    return {"status": "ok"}

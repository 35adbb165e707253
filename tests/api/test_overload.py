"""An overloaded process (no database connection free in time) answers 503 with Retry-After."""

from sqlalchemy.exc import TimeoutError as PoolTimeout

from queue_server import create_app


def test_a_pool_timeout_is_a_503_to_retry_not_a_500(settings, clock):
    app = create_app(settings, async_mode="threading")

    @app.get("/api/v1/overloaded")
    def overloaded():
        raise PoolTimeout("QueuePool limit of size 30 overflow 0 reached, timed out")

    response = app.test_client().get("/api/v1/overloaded")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.get_json()["error"]["code"] == "unavailable"
    assert "QueuePool" not in response.get_data(as_text=True)
    app.extensions["queue"].engine.dispose()

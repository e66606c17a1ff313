"""GET /v1/models and retired models."""

import http.client
import json

import fake_api

from fake_api_tests.common import picture, FakeApiCase


class ModelsTest(FakeApiCase):

    def get_models(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=30)
        try:
            conn.request("GET", "/v1/models", headers={"Authorization": "Bearer sk-test"})
            resp = conn.getresponse()
            return resp.status, json.loads(resp.read())
        finally:
            conn.close()

    def test_list_as_the_api_gives_it(self):
        self.api.models = [{"id": "gpt-image-2.6-flare", "shutdown_date": None},
                           {"id": "gpt-image-1.5", "shutdown_date": "2026-12-01"},
                           {"id": "whisper-1"}]
        status, ans = self.get_models()
        self.assertEqual(status, 200)
        self.assertEqual(ans["object"], "list")
        self.assertEqual([m["id"] for m in ans["data"]],
                         ["gpt-image-2.6-flare", "gpt-image-1.5", "whisper-1"])
        for m in ans["data"]:
            self.assertEqual(m["object"], "model")
            self.assertIn("created", m)
            self.assertIn("owned_by", m)
        self.assertEqual(ans["data"][1]["shutdown_date"], "2026-12-01")
        self.assertIsNone(ans["data"][0]["shutdown_date"])
        self.assertNotIn("shutdown_date", ans["data"][2])
        self.assertEqual(self.api.requests[-1]["path"], "/v1/models")

    def test_living_models_by_default(self):
        status, ans = self.get_models()
        ids = [m["id"] for m in ans["data"]]
        for model in ("gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst",
                      "gpt-image-2.6-flare", "gpt-image-2.6-sunburst"):
            self.assertIn(model, ids)
        for model in fake_api.SHUT_DOWN:
            self.assertNotIn(model, ids)

    def test_no_models_endpoint(self):
        self.api.models = None
        conn = http.client.HTTPConnection("127.0.0.1", self.api.port, timeout=30)
        conn.request("GET", "/v1/models")
        self.assertEqual(conn.getresponse().status, 404)
        conn.close()

    def test_shut_down_model_not_found(self):
        self.api.retired_models = set(fake_api.SHUT_DOWN)
        for model in fake_api.SHUT_DOWN:
            status, ans = self.edit(model, picture(64, 64))
            err = self.assertRejected(ans, status, "model_not_found", 404)
            self.assertIn("does not exist", err["message"])

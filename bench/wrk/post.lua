-- A fixed POST: the body is filled in by bench/lib/wrk.ts (a Lua long string, so any JSON fits).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[__BODY__]==]

-- expect: coroutine.wrap is not available
coroutine.wrap(function() end)()

-- expect: require is not available
require("lfs")

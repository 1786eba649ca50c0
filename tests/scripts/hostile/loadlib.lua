-- expect: package.loadlib is not available
package.loadlib("libc.so.6", "system")("touch /tmp/obdcon-hostile")

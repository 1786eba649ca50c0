-- helpers.lua: the obd helpers against known values (CRC check values are
-- those of the CRC catalogue for the ASCII string "123456789").
local function eq(got, want, what)
  if got ~= want then error(what .. ": got " .. tostring(got) .. ", want " .. tostring(want), 2) end
end
local function fails(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok or not tostring(err):find(pattern, 1, true) then
    error("expected an error with '" .. pattern .. "', got " .. tostring(err), 2)
  end
end
local check = "123456789"

eq(obd.hex("\0\10\255"), "00 0A FF", "hex")
eq(obd.hex(""), "", "hex of nothing")
eq(obd.unhex("0AFF"), "\10\255", "unhex")
eq(obd.unhex("0a ff 10"), "\10\255\16", "unhex with spaces")
fails("not hex bytes", obd.unhex, "0G")
fails("not hex bytes", obd.unhex, "ABC")

eq(obd.byte("\1\2\3", 0), 1, "byte 0")
eq(obd.byte("\1\2\3", 2), 3, "byte 2")
fails("byte 3 is outside a record of 3 bytes", obd.byte, "\1\2\3", 3)
fails("outside", obd.byte, "\1\2\3", -1)
eq(obd.setbyte("\1\2\3", 1, 0xAA), "\1\170\3", "setbyte")
fails("not a byte", obd.setbyte, "\1\2\3", 1, 256)

eq(obd.bits(0xB4, 0x30), 3, "bits")
eq(obd.bits(0xB4, 0x04), 1, "one bit")
eq(obd.setbits(0xB4, 0x30, 1), 0x94, "setbits")
fails("does not fit", obd.setbits, 0, 0x30, 4)
fails("does not fit", obd.setbits, 0, 1, math.maxinteger)
fails("positive", obd.bits, 1, 0)
eq(0xF0 & 0x3C | 0x01 ~ 0x03, 0x32, "native bit operators")
eq(1 << 4 >> 2, 4, "native shifts")

eq(obd.crc8(check), 0xF4, "crc8 smbus")
eq(obd.crc8(check, "sae-j1850"), 0x4B, "crc8 sae-j1850")
eq(obd.crc8(check, "autosar"), 0xDF, "crc8 autosar")
eq(obd.crc8(check, "maxim"), 0xA1, "crc8 maxim")
eq(obd.crc8(check, 0x1D, 0xFF, 0xFF), 0x4B, "crc8 by parameters")
fails("unknown preset", obd.crc8, check, "nope")
eq(obd.crc16(check), 0x29B1, "crc16 ccitt-false")
eq(obd.crc16(check, "ccitt-false"), 0x29B1, "crc16 ccitt-false by name")
eq(obd.crc16(check, "arc"), 0xBB3D, "crc16 arc")
eq(obd.crc16(check, "modbus"), 0x4B37, "crc16 modbus")
eq(obd.crc16(check, "xmodem"), 0x31C3, "crc16 xmodem")
eq(obd.crc16(check, "kermit"), 0x2189, "crc16 kermit")
eq(obd.crc16(check, 0x8005, 0x0000, true, true, 0x0000), 0xBB3D, "crc16 by parameters")
eq(obd.crc32(check), 0xCBF43926, "crc32")
eq(obd.crc32(""), 0, "crc32 of nothing")
eq(obd.sum8("\255\2"), 1, "sum8 wraps")
eq(obd.sum16("\255\255\2"), 0x200, "sum16")

eq(obd.u16be(0x1234), "\18\52", "u16be pack")
eq(obd.u32be(0x12345678), "\18\52\86\120", "u32be pack")
eq(obd.u16le(0x1234), "\52\18", "u16le pack")
eq(obd.u32le(0x12345678), "\120\86\52\18", "u32le pack")
eq(obd.u16be("\0\18\52", 1), 0x1234, "u16be unpack at 1")
eq(obd.u32be("\18\52\86\120"), 0x12345678, "u32be unpack")
eq(obd.u16le("\52\18"), 0x1234, "u16le unpack")
fails("does not fit", obd.u16be, 0x10000)
fails("outside a string of 2 bytes", obd.u32be, "\1\2")

eq(obd.key.xor(0x1234, 0x5A5A, 16), 0x486E, "key xor")
eq(obd.key.add(0xFFFF, 2, 16), 1, "key add wraps")
eq(obd.key.rol(0x8001, 1, 16), 0x0003, "key rol 16")
eq(obd.key.ror(0x0003, 1, 16), 0x8001, "key ror 16")
eq(obd.key.rol(0x80000001, 4), 0x00000018, "key rol 32")
eq(obd.key["not"](0x00FF, 16), 0xFF00, "key not")
eq(obd.key.bnot(0x0F, 8), 0xF0, "key bnot")
eq(obd.key.swap(0x1234, 16), 0x3412, "key swap 16")
eq(obd.key.swap(0x12345678), 0x78563412, "key swap 32")
fails("width", obd.key.xor, 1, 1, 12)
fails("fit in 16 bits", obd.key.xor, 0x10000, 1, 16)
eq(obd.key.run("\18\52", { { "xor", 0x5A5A }, { "rol", 3 } }), "\67\114", "key run 16")
eq(obd.key.run("\18\52\86\120", { { "not" }, { "swap" }, { "add", 1 } }), "\135\169\203\238",
   "key run 32")
fails("unknown operation", obd.key.run, "\1\2", { { "div", 2 } })
fails("1 to 4 bytes", obd.key.run, "\1\2\3\4\5", {})
fails("1 to 4 bytes", obd.key.run, "", {})
eq(obd.key.sub(1, 2, 16), 0xFFFF, "key sub wraps")
eq(obd.key.mul(0x10001, 0x10001), 0x00020001, "key mul wraps")
fails("fit in 16 bits", obd.key.xor, 1, 0x1FFFF, 16)
-- A 3-byte seed on a 32-bit word, as the simulator's ECUs compute keys:
-- 123456 xor 00C0FFEE = 00D2CBB8, ror 4 = 800D2CBB, - 1111 = 800D1BAA.
eq(obd.key.run("\18\52\86", { { "xor", 0x00C0FFEE }, { "ror", 4 }, { "sub", 0x1111 } }),
   "\13\27\170", "key run 3 bytes on 32 bits")
eq(obd.key.run("\18\52", { { "rol", 4 } }, 32), "\35\64", "key run 2 bytes on 32 bits")
eq(obd.key.run("\0\0\0\2", { { "mul", 0x80000001 } }), "\0\0\0\2", "key run mul")
fails("needs an integer operand", obd.key.run, "\1\2", { { "xor", 1.5 } })
fails("needs an integer operand", obd.key.run, "\1\2", { { "rol" } })
fails("needs an integer operand", obd.key.run, "\1\2", { { "xor", "zz" } })
fails("outside 0..65535", obd.key.run, "\1\2", { { "xor", 0x10000 } })
fails("outside 0..15", obd.key.run, "\1\2", { { "rol", 16 } })
fails("takes no operand", obd.key.run, "\1\2", { { "not", 1 } })
fails("width of 32 bits or more", obd.key.run, "\1\2\3", {}, 16)
-- A quantifier that ends the pattern never backtracks: searching a long
-- string for an identification is allowed; one followed by more is not.
local big = string.rep("\255", 65536) .. "XMP0450"
eq(big:find("XMP%d+"), 65537, "find with a last quantifier on 64 KiB")
eq(big:match("XMP(%d+)"), "0450", "match with a last quantifier in a capture")
fails("pattern too complex", string.find, big, "X.-%d+P")
log("helpers ok")

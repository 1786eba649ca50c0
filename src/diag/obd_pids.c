/* obd_pids.c: the SAE J1979 mode 01 PID table (0x00-0x63 and the
 * odometer), with the scaling of every value as published in the public
 * OBD-II PID table, and the enumerations some PIDs carry. */
#include "config.h"
#include "diag/obd.h"

#include <stddef.h>
#include <stdlib.h>

/* A PID with one value read from its first byte(s). */
#define ONE(p, n, nm, u, f) { p, n, nm, 1, { { "", u, f, 0, false } } }
/* A PID with two values. */
#define TWO(p, n, nm, l1, u1, f1, o1, l2, u2, f2, o2, ff2) \
	{ p, n, nm, 2, { { l1, u1, f1, o1, false }, { l2, u2, f2, o2, ff2 } } }
/* Supported-PID bitmap PIDs. */
#define MAP(p, nm) ONE(p, 4, nm, "", OBD_F_RAW32)
/* Narrow-band oxygen sensors: voltage and short-term trim (0xFF: unused). */
#define O2V(p, nm) TWO(p, 2, nm, "voltage", "V", OBD_F_A_DIV200, 0, \
		       "short term fuel trim", "%", OBD_F_TRIM, 1, true)
/* Wide-band oxygen sensors: equivalence ratio and voltage. */
#define O2WV(p, nm) TWO(p, 4, nm, "equivalence ratio", "ratio", OBD_F_LAMBDA, 0, \
			"voltage", "V", OBD_F_O2_VOLTS, 2, false)
/* Wide-band oxygen sensors: equivalence ratio and current. */
#define O2WC(p, nm) TWO(p, 4, nm, "equivalence ratio", "ratio", OBD_F_LAMBDA, 0, \
			"current", "mA", OBD_F_O2_MA, 2, false)
/* Secondary oxygen sensor trims of two banks. */
#define TRIM2(p, nm, b1, b2) TWO(p, 2, nm, b1, "%", OBD_F_TRIM, 0, b2, "%", OBD_F_TRIM, 1, false)

/* Sorted by PID. */
static const struct obd_pid pids[] = {
	MAP(0x00, "PIDs supported [01-20]"),
	ONE(0x01, 4, "Monitor status since DTCs cleared", "", OBD_F_RAW32),
	ONE(0x02, 2, "DTC that caused the freeze frame", "", OBD_F_RAW16),
	TWO(0x03, 2, "Fuel system status", "system 1", "", OBD_F_RAW8, 0, "system 2", "",
	    OBD_F_RAW8, 1, false),
	ONE(0x04, 1, "Calculated engine load", "%", OBD_F_PERCENT),
	ONE(0x05, 1, "Engine coolant temperature", "°C", OBD_F_A_M40),
	ONE(0x06, 1, "Short term fuel trim (bank 1)", "%", OBD_F_TRIM),
	ONE(0x07, 1, "Long term fuel trim (bank 1)", "%", OBD_F_TRIM),
	ONE(0x08, 1, "Short term fuel trim (bank 2)", "%", OBD_F_TRIM),
	ONE(0x09, 1, "Long term fuel trim (bank 2)", "%", OBD_F_TRIM),
	ONE(0x0A, 1, "Fuel pressure (gauge)", "kPa", OBD_F_A_X3),
	ONE(0x0B, 1, "Intake manifold absolute pressure", "kPa", OBD_F_A),
	ONE(0x0C, 2, "Engine speed", "rpm", OBD_F_AB_DIV4),
	ONE(0x0D, 1, "Vehicle speed", "km/h", OBD_F_A),
	ONE(0x0E, 1, "Timing advance", "° before TDC", OBD_F_ADVANCE),
	ONE(0x0F, 1, "Intake air temperature", "°C", OBD_F_A_M40),
	ONE(0x10, 2, "Mass air flow rate", "g/s", OBD_F_AB_DIV100),
	ONE(0x11, 1, "Throttle position", "%", OBD_F_PERCENT),
	ONE(0x12, 1, "Commanded secondary air status", "", OBD_F_RAW8),
	ONE(0x13, 1, "Oxygen sensors present (2 banks)", "", OBD_F_RAW8),
	O2V(0x14, "Oxygen sensor 1"),
	O2V(0x15, "Oxygen sensor 2"),
	O2V(0x16, "Oxygen sensor 3"),
	O2V(0x17, "Oxygen sensor 4"),
	O2V(0x18, "Oxygen sensor 5"),
	O2V(0x19, "Oxygen sensor 6"),
	O2V(0x1A, "Oxygen sensor 7"),
	O2V(0x1B, "Oxygen sensor 8"),
	ONE(0x1C, 1, "OBD standards this vehicle conforms to", "", OBD_F_RAW8),
	ONE(0x1D, 1, "Oxygen sensors present (4 banks)", "", OBD_F_RAW8),
	ONE(0x1E, 1, "Auxiliary input status", "", OBD_F_RAW8),
	ONE(0x1F, 2, "Run time since engine start", "s", OBD_F_AB),
	MAP(0x20, "PIDs supported [21-40]"),
	ONE(0x21, 2, "Distance traveled with MIL on", "km", OBD_F_AB),
	ONE(0x22, 2, "Fuel rail pressure (relative to manifold vacuum)", "kPa", OBD_F_AB_0079),
	ONE(0x23, 2, "Fuel rail gauge pressure", "kPa", OBD_F_AB_X10),
	O2WV(0x24, "Oxygen sensor 1 (wide range)"),
	O2WV(0x25, "Oxygen sensor 2 (wide range)"),
	O2WV(0x26, "Oxygen sensor 3 (wide range)"),
	O2WV(0x27, "Oxygen sensor 4 (wide range)"),
	O2WV(0x28, "Oxygen sensor 5 (wide range)"),
	O2WV(0x29, "Oxygen sensor 6 (wide range)"),
	O2WV(0x2A, "Oxygen sensor 7 (wide range)"),
	O2WV(0x2B, "Oxygen sensor 8 (wide range)"),
	ONE(0x2C, 1, "Commanded EGR", "%", OBD_F_PERCENT),
	ONE(0x2D, 1, "EGR error", "%", OBD_F_TRIM),
	ONE(0x2E, 1, "Commanded evaporative purge", "%", OBD_F_PERCENT),
	ONE(0x2F, 1, "Fuel tank level input", "%", OBD_F_PERCENT),
	ONE(0x30, 1, "Warm-ups since codes cleared", "", OBD_F_A),
	ONE(0x31, 2, "Distance traveled since codes cleared", "km", OBD_F_AB),
	ONE(0x32, 2, "Evap. system vapor pressure", "Pa", OBD_F_SAB_DIV4),
	ONE(0x33, 1, "Absolute barometric pressure", "kPa", OBD_F_A),
	O2WC(0x34, "Oxygen sensor 1 (wide range current)"),
	O2WC(0x35, "Oxygen sensor 2 (wide range current)"),
	O2WC(0x36, "Oxygen sensor 3 (wide range current)"),
	O2WC(0x37, "Oxygen sensor 4 (wide range current)"),
	O2WC(0x38, "Oxygen sensor 5 (wide range current)"),
	O2WC(0x39, "Oxygen sensor 6 (wide range current)"),
	O2WC(0x3A, "Oxygen sensor 7 (wide range current)"),
	O2WC(0x3B, "Oxygen sensor 8 (wide range current)"),
	ONE(0x3C, 2, "Catalyst temperature (bank 1, sensor 1)", "°C", OBD_F_CAT_TEMP),
	ONE(0x3D, 2, "Catalyst temperature (bank 2, sensor 1)", "°C", OBD_F_CAT_TEMP),
	ONE(0x3E, 2, "Catalyst temperature (bank 1, sensor 2)", "°C", OBD_F_CAT_TEMP),
	ONE(0x3F, 2, "Catalyst temperature (bank 2, sensor 2)", "°C", OBD_F_CAT_TEMP),
	MAP(0x40, "PIDs supported [41-60]"),
	ONE(0x41, 4, "Monitor status this drive cycle", "", OBD_F_RAW32),
	ONE(0x42, 2, "Control module voltage", "V", OBD_F_AB_DIV1000),
	ONE(0x43, 2, "Absolute load value", "%", OBD_F_AB_LOAD),
	ONE(0x44, 2, "Commanded air-fuel equivalence ratio", "ratio", OBD_F_LAMBDA),
	ONE(0x45, 1, "Relative throttle position", "%", OBD_F_PERCENT),
	ONE(0x46, 1, "Ambient air temperature", "°C", OBD_F_A_M40),
	ONE(0x47, 1, "Absolute throttle position B", "%", OBD_F_PERCENT),
	ONE(0x48, 1, "Absolute throttle position C", "%", OBD_F_PERCENT),
	ONE(0x49, 1, "Accelerator pedal position D", "%", OBD_F_PERCENT),
	ONE(0x4A, 1, "Accelerator pedal position E", "%", OBD_F_PERCENT),
	ONE(0x4B, 1, "Accelerator pedal position F", "%", OBD_F_PERCENT),
	ONE(0x4C, 1, "Commanded throttle actuator", "%", OBD_F_PERCENT),
	ONE(0x4D, 2, "Time run with MIL on", "min", OBD_F_AB),
	ONE(0x4E, 2, "Time since trouble codes cleared", "min", OBD_F_AB),
	{ 0x4F, 4, "Maximum values of equivalence ratio, O2 voltage and current, intake pressure",
	  4, { { "equivalence ratio", "ratio", OBD_F_A, 0, false },
	       { "oxygen sensor voltage", "V", OBD_F_A, 1, false },
	       { "oxygen sensor current", "mA", OBD_F_A, 2, false },
	       { "intake manifold absolute pressure", "kPa", OBD_F_A_X10, 3, false } } },
	ONE(0x50, 4, "Maximum air flow rate from the MAF sensor", "g/s", OBD_F_A_X10),
	ONE(0x51, 1, "Fuel type", "", OBD_F_RAW8),
	ONE(0x52, 1, "Ethanol fuel", "%", OBD_F_PERCENT),
	ONE(0x53, 2, "Absolute evap. system vapor pressure", "kPa", OBD_F_AB_DIV200),
	ONE(0x54, 2, "Evap. system vapor pressure", "Pa", OBD_F_SAB),
	TRIM2(0x55, "Short term secondary oxygen sensor trim", "bank 1", "bank 3"),
	TRIM2(0x56, "Long term secondary oxygen sensor trim", "bank 1", "bank 3"),
	TRIM2(0x57, "Short term secondary oxygen sensor trim", "bank 2", "bank 4"),
	TRIM2(0x58, "Long term secondary oxygen sensor trim", "bank 2", "bank 4"),
	ONE(0x59, 2, "Fuel rail absolute pressure", "kPa", OBD_F_AB_X10),
	ONE(0x5A, 1, "Relative accelerator pedal position", "%", OBD_F_PERCENT),
	ONE(0x5B, 1, "Hybrid battery pack remaining life", "%", OBD_F_PERCENT),
	ONE(0x5C, 1, "Engine oil temperature", "°C", OBD_F_A_M40),
	ONE(0x5D, 2, "Fuel injection timing", "°", OBD_F_INJ_TIMING),
	ONE(0x5E, 2, "Engine fuel rate", "L/h", OBD_F_AB_DIV20),
	ONE(0x5F, 1, "Emission requirements the vehicle is designed to", "", OBD_F_RAW8),
	MAP(0x60, "PIDs supported [61-80]"),
	ONE(0x61, 1, "Driver's demand engine percent torque", "%", OBD_F_A_M125),
	ONE(0x62, 1, "Actual engine percent torque", "%", OBD_F_A_M125),
	ONE(0x63, 2, "Engine reference torque", "Nm", OBD_F_AB),
	MAP(0x80, "PIDs supported [81-A0]"),
	MAP(0xA0, "PIDs supported [A1-C0]"),
	ONE(0xA6, 4, "Odometer", "km", OBD_F_ABCD_DIV10),
	MAP(0xC0, "PIDs supported [C1-E0]"),
	MAP(0xE0, "PIDs supported [E1-FF]"),
};

/* PID 1C values (OBD standards), index = value. */
static const char *const standards[] = {
	NULL,
	"OBD-II as defined by the CARB",
	"OBD as defined by the EPA",
	"OBD and OBD-II",
	"OBD-I",
	"Not OBD compliant",
	"EOBD (Europe)",
	"EOBD and OBD-II",
	"EOBD and OBD",
	"EOBD, OBD and OBD II",
	"JOBD (Japan)",
	"JOBD and OBD II",
	"JOBD and EOBD",
	"JOBD, EOBD, and OBD II",
};

/* PID 51 values (fuel type), index = value. */
static const char *const fuel_types[] = {
	"Not available",
	"Gasoline",
	"Methanol",
	"Ethanol",
	"Diesel",
	"LPG",
	"CNG",
	"Propane",
	"Electric",
	"Bifuel running Gasoline",
	"Bifuel running Methanol",
	"Bifuel running Ethanol",
	"Bifuel running LPG",
	"Bifuel running CNG",
	"Bifuel running Propane",
	"Bifuel running Electricity",
	"Bifuel running electric and combustion engine",
	"Hybrid gasoline",
	"Hybrid Ethanol",
	"Hybrid Diesel",
	"Hybrid Electric",
	"Hybrid running electric and combustion engine",
	"Hybrid Regenerative",
	"Bifuel running diesel",
};

/* Orders the table by PID for the binary search. */
static int cmp_pid(const void *key, const void *entry)
{
	uint8_t k = *(const uint8_t *)key, p = ((const struct obd_pid *)entry)->pid;

	return (k > p) - (k < p);
}

/* Table entry of a mode 01 PID, or NULL. */
const struct obd_pid *obd_pid_info(uint8_t pid)
{
	return bsearch(&pid, pids, sizeof pids / sizeof pids[0], sizeof pids[0], cmp_pid);
}

/* Data length of a PID, 0 when unknown. */
size_t obd_pid_len(uint8_t pid)
{
	const struct obd_pid *p = obd_pid_info(pid);

	if (p)
		return p->bytes;
	return pid % 0x20 == 0 ? 4 : 0;
}

/* Bytes one formula reads. */
size_t obd_formula_width(enum obd_formula f)
{
	switch (f) {
	case OBD_F_RAW8: case OBD_F_A: case OBD_F_A_M40: case OBD_F_A_M125:
	case OBD_F_PERCENT: case OBD_F_TRIM: case OBD_F_A_X3: case OBD_F_A_X10:
	case OBD_F_ADVANCE: case OBD_F_A_DIV200:
		return 1;
	case OBD_F_RAW32: case OBD_F_ABCD_DIV10:
		return 4;
	default:
		return 2;
	}
}

/* Formulas of one byte A. */
static double eval_a(enum obd_formula f, double a)
{
	switch (f) {
	case OBD_F_A_M40: return a - 40;
	case OBD_F_A_M125: return a - 125;
	case OBD_F_PERCENT: return 100.0 * a / 255.0;
	case OBD_F_TRIM: return 100.0 * a / 128.0 - 100.0;
	case OBD_F_A_X3: return 3 * a;
	case OBD_F_A_X10: return 10 * a;
	case OBD_F_ADVANCE: return a / 2.0 - 64.0;
	case OBD_F_A_DIV200: return a / 200.0;
	default: return a;
	}
}

/* Formulas of two bytes AB = 256A+B (sab: the same as a signed number). */
static double eval_ab(enum obd_formula f, double ab, double sab)
{
	switch (f) {
	case OBD_F_AB_DIV4: return ab / 4.0;
	case OBD_F_AB_DIV20: return ab / 20.0;
	case OBD_F_AB_DIV100: return ab / 100.0;
	case OBD_F_AB_DIV200: return ab / 200.0;
	case OBD_F_AB_DIV1000: return ab / 1000.0;
	case OBD_F_AB_X10: return 10 * ab;
	case OBD_F_AB_0079: return 0.079 * ab;
	case OBD_F_AB_LOAD: return 100.0 * ab / 255.0;
	case OBD_F_LAMBDA: return 2.0 * ab / 65536.0;
	case OBD_F_O2_VOLTS: return 8.0 * ab / 65536.0;
	case OBD_F_O2_MA: return ab / 256.0 - 128.0;
	case OBD_F_CAT_TEMP: return ab / 10.0 - 40.0;
	case OBD_F_INJ_TIMING: return ab / 128.0 - 210.0;
	case OBD_F_SAB_DIV4: return sab / 4.0;
	case OBD_F_SAB: return sab;
	default: return ab;
	}
}

/* Applies one formula to the bytes at data. */
double obd_formula_eval(enum obd_formula f, const uint8_t *data)
{
	size_t w = obd_formula_width(f);
	uint32_t ab, abcd;

	if (w == 1)
		return eval_a(f, data[0]);
	ab = (uint32_t)data[0] << 8 | data[1];
	if (w == 2)
		return eval_ab(f, ab, ab >= 0x8000 ? (double)ab - 65536.0 : (double)ab);
	abcd = ab << 16 | (uint32_t)data[2] << 8 | data[3];
	return f == OBD_F_ABCD_DIV10 ? abcd / 10.0 : (double)abcd;
}

/* Decodes a PID's data into values. */
int obd_pid_decode(uint8_t pid, const uint8_t *data, size_t n, struct obd_value *out,
		   size_t *count, struct error *e)
{
	const struct obd_pid *p = obd_pid_info(pid);
	size_t i;

	*count = 0;
	if (p == NULL)
		return error_set(e, ERR_UNSUPPORTED, "PID %02X is not in the PID table", pid);
	if (n != p->bytes)
		return error_set(e, ERR_PROTOCOL, "PID %02X carries %zu bytes, expected %u", pid, n,
				 p->bytes);
	for (i = 0; i < p->nfields; i++) {
		const struct obd_field *f = &p->fields[i];
		out[i].label = f->label;
		out[i].unit = f->unit;
		out[i].value = obd_formula_eval(f->formula, data + f->offset);
		out[i].valid = !(f->unused_ff && data[f->offset] == 0xFF);
	}
	*count = p->nfields;
	return 0;
}

/* Name of an OBD standard (PID 1C value), or NULL. */
const char *obd_standard_name(uint8_t v)
{
	return v < sizeof standards / sizeof standards[0] ? standards[v] : NULL;
}

/* Name of a fuel type (PID 51 value), or NULL. */
const char *obd_fuel_type_name(uint8_t v)
{
	return v < sizeof fuel_types / sizeof fuel_types[0] ? fuel_types[v] : NULL;
}

/* Name of a fuel system status (PID 03, one byte), or NULL. */
const char *obd_fuel_system_name(uint8_t v)
{
	switch (v) {
	case 0x00: return "Motor off";
	case 0x01: return "Open loop due to insufficient engine temperature";
	case 0x02: return "Closed loop, using oxygen sensor feedback";
	case 0x04: return "Open loop due to engine load or fuel cut";
	case 0x08: return "Open loop due to system failure";
	case 0x10: return "Closed loop, feedback system fault";
	default: return NULL;
	}
}

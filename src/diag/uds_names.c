/* uds_names.c: names of UDS negative response codes, services and DTC
 * formats, as ISO 14229-1 spells them. */
#include "config.h"
#include "diag/uds_msg.h"

/* Names of the NRCs of ISO 14229-1 table A.1 (0x10-0x37). */
static const char *nrc_name_low(uint8_t nrc)
{
	switch (nrc) {
	case 0x00: return "positiveResponse";
	case 0x10: return "generalReject";
	case 0x11: return "serviceNotSupported";
	case 0x12: return "subFunctionNotSupported";
	case 0x13: return "incorrectMessageLengthOrInvalidFormat";
	case 0x14: return "responseTooLong";
	case 0x21: return "busyRepeatRequest";
	case 0x22: return "conditionsNotCorrect";
	case 0x24: return "requestSequenceError";
	case 0x25: return "noResponseFromSubnetComponent";
	case 0x26: return "failurePreventsExecutionOfRequestedAction";
	case 0x31: return "requestOutOfRange";
	case 0x33: return "securityAccessDenied";
	case 0x34: return "authenticationRequired";
	case 0x35: return "invalidKey";
	case 0x36: return "exceededNumberOfAttempts";
	case 0x37: return "requiredTimeDelayNotExpired";
	default: return NULL;
	}
}

/* Names of the authentication NRCs (0x50-0x5D). */
static const char *nrc_name_auth(uint8_t nrc)
{
	switch (nrc) {
	case 0x50: return "certificateVerificationFailedInvalidTimePeriod";
	case 0x51: return "certificateVerificationFailedInvalidSignature";
	case 0x52: return "certificateVerificationFailedInvalidChainOfTrust";
	case 0x53: return "certificateVerificationFailedInvalidType";
	case 0x54: return "certificateVerificationFailedInvalidFormat";
	case 0x55: return "certificateVerificationFailedInvalidContent";
	case 0x56: return "certificateVerificationFailedInvalidScope";
	case 0x57: return "certificateVerificationFailedInvalidCertificateRevoked";
	case 0x58: return "ownershipVerificationFailed";
	case 0x59: return "challengeCalculationFailed";
	case 0x5A: return "settingAccessRightsFailed";
	case 0x5B: return "sessionKeyCreationDerivationFailed";
	case 0x5C: return "configurationDataUsageFailed";
	case 0x5D: return "deAuthenticationFailed";
	default: return NULL;
	}
}

/* Names of the programming and session NRCs (0x70-0x7F). */
static const char *nrc_name_prog(uint8_t nrc)
{
	switch (nrc) {
	case 0x70: return "uploadDownloadNotAccepted";
	case 0x71: return "transferDataSuspended";
	case 0x72: return "generalProgrammingFailure";
	case 0x73: return "wrongBlockSequenceCounter";
	case 0x78: return "requestCorrectlyReceivedResponsePending";
	case 0x7E: return "subFunctionNotSupportedInActiveSession";
	case 0x7F: return "serviceNotSupportedInActiveSession";
	default: return NULL;
	}
}

/* Names of the condition NRCs (0x81-0x94). */
static const char *nrc_name_cond(uint8_t nrc)
{
	switch (nrc) {
	case 0x81: return "rpmTooHigh";
	case 0x82: return "rpmTooLow";
	case 0x83: return "engineIsRunning";
	case 0x84: return "engineIsNotRunning";
	case 0x85: return "engineRunTimeTooLow";
	case 0x86: return "temperatureTooHigh";
	case 0x87: return "temperatureTooLow";
	case 0x88: return "vehicleSpeedTooHigh";
	case 0x89: return "vehicleSpeedTooLow";
	case 0x8A: return "throttlePedalTooHigh";
	case 0x8B: return "throttlePedalTooLow";
	case 0x8C: return "transmissionRangeNotInNeutral";
	case 0x8D: return "transmissionRangeNotInGear";
	case 0x8F: return "brakeSwitchesNotClosed";
	case 0x90: return "shifterLeverNotInPark";
	case 0x91: return "torqueConverterClutchLocked";
	case 0x92: return "voltageTooHigh";
	case 0x93: return "voltageTooLow";
	case 0x94: return "resourceTemporarilyNotAvailable";
	default: return NULL;
	}
}

/* Name of a negative response code (ISO 14229-1 table A.1). */
const char *uds_nrc_name(uint8_t nrc)
{
	const char *s = nrc < 0x50 ? nrc_name_low(nrc)
		      : nrc < 0x70 ? nrc_name_auth(nrc)
		      : nrc < 0x80 ? nrc_name_prog(nrc)
				   : nrc_name_cond(nrc);

	if (s)
		return s;
	if (nrc >= 0x38 && nrc <= 0x4F)
		return "reservedByExtendedDataLinkSecurity";
	if (nrc >= 0xF0 && nrc <= 0xFE)
		return "vehicleManufacturerSpecificConditionsNotCorrect";
	return "unknownNegativeResponse";
}

/* Names of the OBD modes, which share the service byte space. */
static const char *obd_mode_name(uint8_t sid)
{
	switch (sid) {
	case 0x01: return "OBD current data";
	case 0x02: return "OBD freeze frame data";
	case 0x03: return "OBD stored DTCs";
	case 0x04: return "OBD clear DTCs";
	case 0x07: return "OBD pending DTCs";
	case 0x09: return "OBD vehicle information";
	case 0x0A: return "OBD permanent DTCs";
	default: return NULL;
	}
}

/* Name of a service (ISO 14229-1 and SAE J1979 modes). */
const char *uds_service_name(uint8_t sid)
{
	switch (sid) {
	case 0x10: return "DiagnosticSessionControl";
	case 0x11: return "ECUReset";
	case 0x14: return "ClearDiagnosticInformation";
	case 0x19: return "ReadDTCInformation";
	case 0x22: return "ReadDataByIdentifier";
	case 0x23: return "ReadMemoryByAddress";
	case 0x24: return "ReadScalingDataByIdentifier";
	case 0x27: return "SecurityAccess";
	case 0x28: return "CommunicationControl";
	case 0x29: return "Authentication";
	case 0x2A: return "ReadDataByPeriodicIdentifier";
	case 0x2C: return "DynamicallyDefineDataIdentifier";
	case 0x2E: return "WriteDataByIdentifier";
	case 0x2F: return "InputOutputControlByIdentifier";
	case 0x31: return "RoutineControl";
	case 0x34: return "RequestDownload";
	case 0x35: return "RequestUpload";
	case 0x36: return "TransferData";
	case 0x37: return "RequestTransferExit";
	case 0x38: return "RequestFileTransfer";
	case 0x3D: return "WriteMemoryByAddress";
	case 0x3E: return "TesterPresent";
	case 0x85: return "ControlDTCSetting";
	case 0x86: return "ResponseOnEvent";
	case 0x87: return "LinkControl";
	default: {
		const char *m = obd_mode_name(sid);
		return m ? m : "unknown service";
	}
	}
}

/* Name of a DTCFormatIdentifier (ISO 14229-1 D.3). */
const char *uds_dtc_format_name(uint8_t format)
{
	switch (format) {
	case 0x00: return "SAE_J2012-DA_DTCFormat_00";
	case 0x01: return "ISO_14229-1_DTCFormat";
	case 0x02: return "SAE_J1939-73_DTCFormat";
	case 0x03: return "ISO_11992-4_DTCFormat";
	case 0x04: return "SAE_J2012-DA_DTCFormat_04";
	default: return "unknown DTC format";
	}
}

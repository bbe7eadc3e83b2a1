/* Checksums for barcode labels: EAN-13 check digits and a CRC-16 for label payloads. */

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define EAN_LENGTH 13
#define CRC16_POLY 0x1021
#define CRC16_INIT 0xFFFF

static int digit_value(char c)
{
    if (c < '0' || c > '9') {
        return -1;
    }
    return c - '0';
}

int ean13_check_digit(const char *digits)
{
    int sum = 0;
    for (int i = 0; i < EAN_LENGTH - 1; i++) {
        int value = digit_value(digits[i]);
        if (value < 0) {
            return -1;
        }
        sum += (i % 2 == 0) ? value : value * 3;
    }
    return (10 - sum % 10) % 10;
}

int ean13_valid(const char *code)
{
    if (strlen(code) != EAN_LENGTH) {
        return 0;
    }
    int expected = ean13_check_digit(code);
    return expected >= 0 && expected == digit_value(code[EAN_LENGTH - 1]);
}

uint16_t crc16(const uint8_t *data, size_t length)
{
    uint16_t crc = CRC16_INIT;
    for (size_t i = 0; i < length; i++) {
        crc ^= (uint16_t)data[i] << 8;
        for (int bit = 0; bit < 8; bit++) {
            if (crc & 0x8000) {
                crc = (uint16_t)((crc << 1) ^ CRC16_POLY);
            } else {
                crc = (uint16_t)(crc << 1);
            }
        }
    }
    return crc;
}

size_t label_payload(char *out, size_t size, const char *sku, int quantity)
{
    int written = snprintf(out, size, "%s;%d", sku, quantity);
    if (written < 0 || (size_t)written >= size) {
        return 0;
    }
    return (size_t)written;
}

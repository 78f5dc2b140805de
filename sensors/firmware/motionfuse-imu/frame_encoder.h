/*
 * Encoder of the motionfuse framed IMU protocol (docs/sensors.md), in plain C with no Arduino
 * header, so that the host's C compiler can build it for the test that decodes its output with the
 * TypeScript decoder (test/sensors/firmware/frame-encoder.test.ts).
 *
 * Layout, little-endian: magic A5 5A, version 1, sensor id, channels (bit0 acc, bit1 gyro), sample
 * count n (1..64), u32 first sample counter, u64 device time of the first sample (us), u32 sample
 * period (us), u8 acc range (g), u16 gyro range (deg/s), then n samples of the present channels'
 * int16 (acc xyz, then gyro xyz), then CRC-16/CCITT-FALSE of bytes 2..end of samples, u16.
 */
#ifndef MOTIONFUSE_FRAME_ENCODER_H
#define MOTIONFUSE_FRAME_ENCODER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MF_FRAME_HEADER_BYTES 25
#define MF_FRAME_CRC_BYTES 2
#define MF_FRAME_MAX_SAMPLES 64
#define MF_CHANNEL_ACC 0x01
#define MF_CHANNEL_GYRO 0x02
/* The largest frame: 64 samples of acc and gyro. */
#define MF_FRAME_MAX_BYTES (MF_FRAME_HEADER_BYTES + MF_FRAME_MAX_SAMPLES * 12 + MF_FRAME_CRC_BYTES)

typedef struct {
  uint8_t sensor_id;
  /* MF_CHANNEL_ACC | MF_CHANNEL_GYRO, at least one. */
  uint8_t channels;
  /* Samples in the frame, 1..MF_FRAME_MAX_SAMPLES. */
  uint8_t count;
  /* The sensor's counter of the first sample (counts samples, wraps at 2^32). */
  uint32_t first_sample;
  /* Device time of the first sample, microseconds. */
  uint64_t device_time_us;
  uint32_t period_us;
  uint8_t acc_range_g;
  uint16_t gyro_range_dps;
  /* count x 3 interleaved x, y, z counts; may be NULL when the channel is absent. */
  const int16_t *acc;
  const int16_t *gyro;
} mf_frame_t;

/* Bytes of a frame with these channels and samples (header, samples, CRC). */
size_t mf_frame_size(uint8_t channels, uint8_t count);

/* Writes the frame into out (capacity cap); returns its length, or 0 when the frame is invalid or
   does not fit. */
size_t mf_encode_frame(const mf_frame_t *frame, uint8_t *out, size_t cap);

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor ("123456789" -> 0x29B1). */
uint16_t mf_crc16_ccitt(const uint8_t *data, size_t length);

#ifdef __cplusplus
}
#endif

#endif

/* Encoder of the motionfuse framed IMU protocol; see frame_encoder.h and docs/sensors.md. */
#include "frame_encoder.h"

static void put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v & 0xFF);
  p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

size_t mf_frame_size(uint8_t channels, uint8_t count) {
  size_t per_sample = 0;
  if (channels & MF_CHANNEL_ACC) per_sample += 6;
  if (channels & MF_CHANNEL_GYRO) per_sample += 6;
  return MF_FRAME_HEADER_BYTES + (size_t)count * per_sample + MF_FRAME_CRC_BYTES;
}

uint16_t mf_crc16_ccitt(const uint8_t *data, size_t length) {
  /* Bit by bit: a 115200-baud or BLE link carries a few kB/s, far below what this costs. */
  uint16_t crc = 0xFFFF;
  for (size_t i = 0; i < length; i++) {
    crc ^= (uint16_t)data[i] << 8;
    for (int bit = 0; bit < 8; bit++) crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
  }
  return crc;
}

size_t mf_encode_frame(const mf_frame_t *frame, uint8_t *out, size_t cap) {
  const uint8_t has_acc = frame->channels & MF_CHANNEL_ACC;
  const uint8_t has_gyro = frame->channels & MF_CHANNEL_GYRO;
  if ((frame->channels & ~(MF_CHANNEL_ACC | MF_CHANNEL_GYRO)) || !(has_acc || has_gyro)) return 0;
  if (frame->count < 1 || frame->count > MF_FRAME_MAX_SAMPLES) return 0;
  if ((has_acc && frame->acc == NULL) || (has_gyro && frame->gyro == NULL)) return 0;
  const size_t size = mf_frame_size(frame->channels, frame->count);
  if (size > cap) return 0;

  out[0] = 0xA5;
  out[1] = 0x5A;
  out[2] = 1;
  out[3] = frame->sensor_id;
  out[4] = frame->channels;
  out[5] = frame->count;
  put_u32(out + 6, frame->first_sample);
  put_u64(out + 10, frame->device_time_us);
  put_u32(out + 18, frame->period_us);
  out[22] = frame->acc_range_g;
  put_u16(out + 23, frame->gyro_range_dps);

  uint8_t *p = out + MF_FRAME_HEADER_BYTES;
  for (size_t i = 0; i < frame->count; i++) {
    if (has_acc)
      for (int k = 0; k < 3; k++, p += 2) put_u16(p, (uint16_t)frame->acc[i * 3 + k]);
    if (has_gyro)
      for (int k = 0; k < 3; k++, p += 2) put_u16(p, (uint16_t)frame->gyro[i * 3 + k]);
  }
  put_u16(p, mf_crc16_ccitt(out + 2, (size_t)(p - (out + 2))));
  return size;
}

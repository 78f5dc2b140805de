/*
 * Host driver for the firmware's frame encoder (sensors/firmware/motionfuse-imu/frame_encoder.c),
 * built by frame-encoder.test.ts with the host's C compiler. Reads one frame per line from stdin:
 *   SENSOR CHANNELS COUNT FIRST_SAMPLE TIME_US PERIOD_US ACC_RANGE GYRO_RANGE  acc... gyro...
 * and writes the encoded frames to stdout. `encode-frames crc TEXT` prints the CRC of TEXT in hex.
 * Exits 3 when the encoder refuses a frame.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame_encoder.h"

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "crc") == 0) {
    printf("%04x\n", mf_crc16_ccitt((const uint8_t *)argv[2], strlen(argv[2])));
    return 0;
  }
  unsigned sensor, channels, count, acc_range, gyro_range;
  uint32_t first, period;
  uint64_t time_us;
  static int16_t acc[MF_FRAME_MAX_SAMPLES * 3], gyro[MF_FRAME_MAX_SAMPLES * 3];
  static uint8_t out[MF_FRAME_MAX_BYTES];
  while (scanf("%u %u %u %" SCNu32 " %" SCNu64 " %" SCNu32 " %u %u", &sensor, &channels, &count, &first, &time_us, &period,
               &acc_range, &gyro_range) == 8) {
    const unsigned n = count > MF_FRAME_MAX_SAMPLES ? MF_FRAME_MAX_SAMPLES : count;
    int v;
    if (channels & MF_CHANNEL_ACC)
      for (unsigned i = 0; i < n * 3; i++) {
        if (scanf("%d", &v) != 1) return 2;
        acc[i] = (int16_t)v;
      }
    if (channels & MF_CHANNEL_GYRO)
      for (unsigned i = 0; i < n * 3; i++) {
        if (scanf("%d", &v) != 1) return 2;
        gyro[i] = (int16_t)v;
      }
    mf_frame_t frame = {(uint8_t)sensor, (uint8_t)channels, (uint8_t)count, first, time_us, period,
                        (uint8_t)acc_range, (uint16_t)gyro_range, acc, gyro};
    const size_t length = mf_encode_frame(&frame, out, sizeof out);
    if (length == 0) return 3;
    fwrite(out, 1, length, stdout);
  }
  return 0;
}

// motionfuse-imu: streams the Nano 33 BLE Sense Rev2's BMI270 accelerometer and gyroscope in the
// motionfuse framed IMU protocol (docs/sensors.md) over USB serial and over BLE's Nordic UART
// Service at once. Every frame carries the sample counter and the device time of its first sample,
// so the host knows exactly which samples a lost frame held. See README.md in this folder.
#include <ArduinoBLE.h>
#include "Arduino_BMI270_BMM150.h"
#include "frame_encoder.h"

// Sensor number in the frames (0-255): give each board its own when several stream at once.
static const uint8_t SENSOR_ID = 0;
// Samples per frame: 4 at ~100 Hz is a frame every 40 ms, 75 bytes with acc and gyro.
static const uint8_t SAMPLES_PER_FRAME = 4;
// The Arduino_BMI270_BMM150 library's fixed full scales: +-4 g and +-2000 deg/s.
static const uint8_t ACC_RANGE_G = 4;
static const uint16_t GYRO_RANGE_DPS = 2000;
// Notifications are cut to 20 bytes, the payload of BLE's default MTU; the host's parser joins them.
static const size_t BLE_CHUNK = 20;

BLEService nusService("6E400001-B5A3-F393-E0A9-E50E24DCCA9E");
// RX: the host writes here (reserved for commands); TX: the device notifies frames here.
BLECharacteristic nusRx("6E400002-B5A3-F393-E0A9-E50E24DCCA9E", BLEWrite | BLEWriteWithoutResponse, BLE_CHUNK);
BLECharacteristic nusTx("6E400003-B5A3-F393-E0A9-E50E24DCCA9E", BLENotify, BLE_CHUNK);

static int16_t accCounts[SAMPLES_PER_FRAME * 3];
static int16_t gyroCounts[SAMPLES_PER_FRAME * 3];
static uint8_t frameBytes[MF_FRAME_MAX_BYTES];
static uint8_t filled = 0;
static uint32_t sampleCounter = 0;
static uint64_t firstSampleTimeUs = 0;
static uint32_t periodUs = 10000;
static uint64_t microsHigh = 0;
static uint32_t lastMicros = 0;
static bool bleReady = false;

// micros() wraps every 71.6 minutes; the frames carry 64-bit microseconds.
static uint64_t micros64() {
  const uint32_t now = micros();
  if (now < lastMicros) microsHigh += (1ULL << 32);
  lastMicros = now;
  return microsHigh + now;
}

static int16_t toCounts(float value, float range) {
  float counts = value * 32768.0f / range;
  if (counts > 32767.0f) counts = 32767.0f;
  if (counts < -32768.0f) counts = -32768.0f;
  return (int16_t)lroundf(counts);
}

static void sendFrame() {
  mf_frame_t frame;
  frame.sensor_id = SENSOR_ID;
  frame.channels = MF_CHANNEL_ACC | MF_CHANNEL_GYRO;
  frame.count = filled;
  frame.first_sample = sampleCounter - filled;
  frame.device_time_us = firstSampleTimeUs;
  frame.period_us = periodUs;
  frame.acc_range_g = ACC_RANGE_G;
  frame.gyro_range_dps = GYRO_RANGE_DPS;
  frame.acc = accCounts;
  frame.gyro = gyroCounts;
  const size_t length = mf_encode_frame(&frame, frameBytes, sizeof frameBytes);
  if (length == 0) return;
  if (Serial) Serial.write(frameBytes, length);
  if (bleReady && BLE.connected() && nusTx.subscribed()) {
    for (size_t at = 0; at < length; at += BLE_CHUNK) {
      const size_t n = (length - at < BLE_CHUNK) ? (length - at) : BLE_CHUNK;
      nusTx.writeValue(frameBytes + at, n);
    }
  }
}

void setup() {
  Serial.begin(115200);
  if (!IMU.begin()) {
    // No IMU: blink fast forever (nothing to stream).
    pinMode(LED_BUILTIN, OUTPUT);
    while (true) {
      digitalWrite(LED_BUILTIN, !digitalRead(LED_BUILTIN));
      delay(100);
    }
  }
  const float rate = IMU.accelerationSampleRate();
  if (rate > 0) periodUs = (uint32_t)lroundf(1e6f / rate);

  if (BLE.begin()) {
    BLE.setLocalName("motionfuse-imu");
    BLE.setDeviceName("motionfuse-imu");
    BLE.setAdvertisedService(nusService);
    nusService.addCharacteristic(nusRx);
    nusService.addCharacteristic(nusTx);
    BLE.addService(nusService);
    BLE.advertise();
    bleReady = true;
  }
}

void loop() {
  if (bleReady) BLE.poll();
  if (!(IMU.accelerationAvailable() && IMU.gyroscopeAvailable())) return;
  float ax, ay, az, gx, gy, gz;
  const uint64_t now = micros64();
  IMU.readAcceleration(ax, ay, az);  // g
  IMU.readGyroscope(gx, gy, gz);     // deg/s
  if (filled == 0) firstSampleTimeUs = now;
  int16_t *a = accCounts + filled * 3;
  int16_t *g = gyroCounts + filled * 3;
  a[0] = toCounts(ax, ACC_RANGE_G);
  a[1] = toCounts(ay, ACC_RANGE_G);
  a[2] = toCounts(az, ACC_RANGE_G);
  g[0] = toCounts(gx, GYRO_RANGE_DPS);
  g[1] = toCounts(gy, GYRO_RANGE_DPS);
  g[2] = toCounts(gz, GYRO_RANGE_DPS);
  filled++;
  sampleCounter++;
  if (filled == SAMPLES_PER_FRAME) {
    sendFrame();
    filled = 0;
  }
}

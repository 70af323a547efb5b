#pragma once
// What every GPU workload's host side does with its devices: check the ones asked for, and
// run one host thread a device.

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "pardo/cuda/device.hpp"

namespace pardo::cuda::detail {

/// The device numbers `where` names (device 0 if none), checked against those present.
/// @throws std::invalid_argument naming a device that does not exist or is named twice
/// @throws Unavailable when there is no device at all
std::vector<int> chosen_devices(const Devices& where, std::string_view caller);

/// Runs work(device, i) for the i-th of `chosen` on a host thread of its own, and rethrows the
/// first device's exception, if any, once all have ended.
void on_each_device(const std::vector<int>& chosen,
                    const std::function<void(int device, std::size_t i)>& work);

}  // namespace pardo::cuda::detail
